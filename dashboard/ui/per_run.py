"""Values worked out once per script run, then reused until the run ends.

Who is looking, and the scope every query is cut to, must be checked afresh
on every run (a disabled account is out at its next click), but not at every
one of the 15-35 ``run`` calls of one page: at ~0.2 ms each, asking again
cost a warm overview rerun ~7 ms of its ~40.

A run is recognised by the cursor table of Streamlit's run context, which
``ScriptRunContext.reset`` replaces with a new dict at the start of every
run (and a fragment's run with a copy).  The memo holds that dict, so an
identity test cannot be fooled by a reused ``id``, and it lives on the
context, which belongs to one session.  Anything that changes who is
looking (sign-in, sign-out) ends the run with ``st.rerun``, so within a run
the answer cannot go stale.  Outside a run (scripts, unit tests) nothing is
memoised.
"""
from __future__ import annotations

from typing import Callable, TypeVar

from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

T = TypeVar("T")
_ATTRIBUTE = "_union_per_run"


def once(name: str, compute: Callable[[], T]) -> T:
    """``compute()``, worked out at the first call of this run under ``name``."""
    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is None:
        return compute()
    marker = ctx.cursors
    held = getattr(ctx, _ATTRIBUTE, None)
    if held is None or held[0] is not marker:
        held = (marker, {})
        setattr(ctx, _ATTRIBUTE, held)
    values = held[1]
    if name not in values:
        values[name] = compute()
    return values[name]
