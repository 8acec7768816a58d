"""How numbers and lists are written on the dashboard."""
from dashboard import strings
from dashboard.strings import fmt_signed, fmt_yuan, fmt_yuan_card, fmt_yuan_card_delta


def test_yuan_show_fen_only_when_there_are_any():
    assert fmt_yuan(385_435) == "¥385,435"
    assert fmt_yuan(847_316.89) == "¥847,316.89"
    assert fmt_yuan(None) == "—"


def test_a_card_drops_the_fen_from_a_million_yuan_on():
    # A card is a few centimetres wide: "¥35,514,251.93" does not fit it.
    assert fmt_yuan_card(35_514_251.93) == "¥35,514,252"
    assert fmt_signed(-1_469_530.4, fmt_yuan_card) == "-¥1,469,530"    # a change on the card
    assert fmt_yuan_card(847_316.89) == "¥847,316.89"
    assert fmt_yuan_card(None) == "—"


def test_a_cards_change_shows_fen_only_when_the_cards_figure_does():
    # 晋江市's aid paid: the card reads ¥6,461,251, so its change must not read +¥127,887.70.
    assert fmt_signed(127_887.70, lambda v: fmt_yuan_card_delta(v, 6_461_251.37)) == "+¥127,888"
    assert fmt_signed(-59_435.5, lambda v: fmt_yuan_card_delta(v, 545_435.5)) == "-¥59,435.50"
    assert fmt_yuan_card_delta(1_234.5, None) == "¥1,234.50"


def test_a_long_list_of_late_towns_names_the_first_few_and_counts_the_rest():
    assert strings.town_list(["安海镇", "磁灶镇"], "zh") == "安海镇、磁灶镇"
    towns = [f"镇{i}" for i in range(1, 1_235)]
    assert strings.town_list(towns, "zh", named=3) == "镇1、镇2、镇3 等 1,234 个镇街"
    assert strings.town_list(["A", "B", "C", "D"], "en", named=2) == "A, B and 2 more (4 towns)"


def test_stored_values_are_labelled_in_the_readers_language_blanks_left_blank():
    import pandas as pd

    groups = pd.Series(["外卖送餐员", None, "快递员", "外卖送餐员"], dtype="str")
    assert strings.value_labels("visitor_group", groups, "en") == [
        "Food delivery riders", "", "Couriers", "Food delivery riders"]
    assert strings.value_labels("visitor_group", groups, "zh") == ["外卖送餐员", "", "快递员", "外卖送餐员"]


def test_a_number_too_wide_for_its_card_is_written_in_large_units():
    # The city's figures fit a card whole; the nation's ¥17.7 billion paid
    # would be cut to "¥17,676,102,…" and is written in 亿 / B instead
    # (the card's help gives the exact figure).
    assert strings.fmt_count_card(595_358) == "595,358"
    assert strings.fmt_count_card(294_967_824) == "294,967,824"
    assert strings.fmt_count_card(1_294_967_824) == "12.9亿"
    assert strings.fmt_count_card(1_294_967_824, "en") == "1.29B"
    assert fmt_yuan_card(35_514_251.93) == "¥35,514,252"
    assert fmt_yuan_card(17_676_102_345.6) == "¥177亿"
    assert fmt_yuan_card(17_676_102_345.6, "en") == "¥17.7B"
    # Shortened parts of a card with two numbers ("enterprise + area contracts").
    assert strings.fmt_short(2_037_295, "zh") == "204万" and strings.fmt_short(130_512, "zh") == "13.1万"
    assert strings.fmt_short(2_037_295, "en") == "2.04M" and strings.fmt_short(130_512, "en") == "131K"
    assert strings.fit_card("2,037,295 + 130,512", "204万 + 13.1万") == "204万 + 13.1万"
    assert strings.fit_card("285 + 1", "285 + 1") == "285 + 1"
    # Labels side by side share one unit and as many decimals.
    assert strings.fmt_short_all([29_658, 35_985], "zh") == ["3.0万", "3.6万"]
    assert strings.fmt_short_all([29_658, 35_985], "en") == ["30K", "36K"]
    assert strings.fmt_short_all([659_509, 1_234_567], "en") == ["0.7M", "1.2M"]
    assert strings.fmt_short_all([540, 699], "zh") == ["540", "699"]
