"""Which operations bench_scale.py runs at a scale, from what they did at the smaller ones.

An operation killed at its time cap (or its memory cap) at one scale is not run at any larger
scale; nor is one whose last finished figure, scaled linearly to this scale, would pass the time
cap or the memory cap (a linear guess is the best case for work that grows with its rows). A run
that failed is tried again: a failure is reported where it happens, not guessed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class Outcome(Protocol):
    status: str  # "ok", "cap", "setup cap", "mem" or "failed"
    seconds: float
    peak_mb: float


def skip_reason(history: Sequence[tuple[int, Outcome]], scale: int, cap: float, mem_cap: float) -> str | None:
    """None to run the operation at ``scale``; else why not, for the report.

    ``history`` holds (scale, outcome) for the smaller scales this operation was run at, in order.
    """
    for earlier, outcome in history:
        if outcome.status in ("cap", "setup cap"):
            return f"not run (> cap at {earlier:g}×)"
        if outcome.status == "mem":
            return f"not run (> memory cap at {earlier:g}×)"
    finished = [(earlier, outcome) for earlier, outcome in history if outcome.status == "ok"]
    if not finished:
        return None
    earlier, outcome = finished[-1]
    factor = scale / earlier
    if outcome.seconds * factor > cap:
        return f"not run ({earlier:g}× took {outcome.seconds:.0f} s: × {factor:g} passes the {cap:g} s cap)"
    if outcome.peak_mb * factor > mem_cap:
        return (f"not run ({earlier:g}× peaked at {outcome.peak_mb:,.0f} MB: × {factor:g} passes the "
                f"{mem_cap:,.0f} MB memory cap)")
    return None
