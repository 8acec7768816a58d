"""Built figures are shared across reruns and sessions (dashboard/ui/widgets.py
``figure``), keyed by the content of what they draw."""
import pandas as pd
import pytest

from dashboard import charts
from dashboard.ui import widgets

MONTHS = ["2024-01", "2024-02"]


def _claims(paid: float) -> pd.DataFrame:
    return pd.DataFrame({"month": MONTHS, "claims": [3, 4], "claims_paid_yuan": [900.0, paid],
                         "average_payout_yuan": [300.0, paid / 4]})


def test_the_same_data_gives_the_same_figure_built_once():
    first = widgets.figure(charts.claims_combo, _claims(1200.0), MONTHS, "zh")
    again = widgets.figure(charts.claims_combo, _claims(1200.0), list(MONTHS), "zh")
    assert again is first
    assert list(first.data[1].y) == [900, 1200]


def test_other_data_language_or_builder_builds_anew():
    base = widgets.figure(charts.claims_combo, _claims(1200.0), MONTHS, "zh")
    changed = widgets.figure(charts.claims_combo, _claims(1300.0), MONTHS, "zh")
    assert changed is not base and list(changed.data[1].y) == [900, 1300]
    english = widgets.figure(charts.claims_combo, _claims(1200.0), MONTHS, "en")
    assert english.layout.title.text != base.layout.title.text
    other = widgets.figure(charts.average_payout, _claims(1200.0), MONTHS, "zh")
    assert other is not base and other.layout.title.text != base.layout.title.text


def test_a_keyword_argument_is_part_of_the_key():
    ranking = pd.DataFrame({"town_code": ["350582101", "350582102"], "name_zh": ["安海镇", "磁灶镇"],
                            "name_en": ["Anhai", "Cizao"], "claims_paid_yuan": [5.0, 7.0]})
    plain = widgets.figure(charts.town_ranking, ranking, "claims_paid_yuan", "zh")
    marked = widgets.figure(charts.town_ranking, ranking, "claims_paid_yuan", "zh", highlight="350582101")
    assert marked is not plain
    assert len(set(marked.data[0].marker.color)) == 2 and isinstance(plain.data[0].marker.color, tuple)


def test_an_argument_without_a_content_key_is_refused():
    with pytest.raises(TypeError):
        widgets.figure(charts.claims_combo, object(), MONTHS, "zh")
