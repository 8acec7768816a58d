"""How numbers are written on the dashboard."""
from dashboard.strings import fmt_signed, fmt_yuan, fmt_yuan_card


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
