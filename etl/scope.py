"""Whose data is whose: an account's scope is an org unit and covers its subtree.

Codes nest by prefix (the national administrative division codes): a town's
9-digit code starts with its county's 6-digit code, a county's with its
city's first four digits (安海镇 350582101 < 晋江市 350582 < 泉州市 350500).
So "does X lie within scope S" is one ``startswith`` on the same prefix the
dashboard queries filter by (``dashboard.queries.region_prefix``), and a
query's prefix can be checked, or narrowed, against a scope without looking
anything up.  Pure: no warehouse, no Streamlit.
"""
from __future__ import annotations

import re

from dashboard.queries import NATION_CODE, region_prefix

_CODE = re.compile(r"[0-9]{6}|[0-9]{9}")
# '' is the nation's prefix: every town.
_PREFIX = re.compile(r"(?:[0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{9})?")


def level_of(code: str) -> str | None:
    """'town' (9 digits), 'county' (6 digits not ending in 00), 'city'
    (ending in 00), 'province' (ending in 0000), 'nation' (100000: no
    province has code 10); None for anything else."""
    if not isinstance(code, str) or not _CODE.fullmatch(code):
        return None
    if code == NATION_CODE:
        return "nation"
    if len(code) == 9:
        return "town"
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "city"
    return "county"


def prefix_of(code: str) -> str:
    """The prefix of every code within ``code``'s subtree (ValueError if
    ``code`` is not an org unit code)."""
    level = level_of(code)
    if level is None:
        raise ValueError(f"not an org unit code: {code!r}")
    return region_prefix(code, level)


def within(code: object, scope: str) -> bool:
    """Does the unit ``code`` lie within ``scope`` (itself included)?  A
    malformed code lies nowhere."""
    if level_of(code) is None or level_of(scope) is None:
        return False
    return code.startswith(prefix_of(scope))


def grants_within(scope: str, granter_scope: str) -> bool:
    """May someone whose scope is ``granter_scope`` give ``scope`` to another?
    Only their own unit or one below it."""
    return within(scope, granter_scope)


def clamp_prefix(prefix: object, scope: str) -> str | None:
    """A query's region prefix cut to ``scope``: itself when it lies within
    the scope, the scope's prefix when it is wider (泉州市's '3505' for a
    晋江市 account becomes '350582'), None when the two do not overlap or the
    prefix is not one (the caller refuses)."""
    if not isinstance(prefix, str) or not _PREFIX.fullmatch(prefix):
        return None
    own = prefix_of(scope)
    if prefix.startswith(own):
        return prefix
    if own.startswith(prefix):
        return own
    return None


def outside(codes, scope: str) -> list[str]:
    """The codes among ``codes`` that do not lie within ``scope``, each once,
    in order."""
    return list(dict.fromkeys(str(c) for c in codes if not within(str(c), scope)))
