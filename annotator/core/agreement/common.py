"""Shared pieces of the agreement measures."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Undefined:
    """A measure that does not apply to the data, with the reason (never a silent NaN or 0).

    Examples of reasons: "only one category occurs", "fewer than two coders on every unit",
    "the coders share no documents"."""

    reason: str

    def __bool__(self) -> bool:  # so `if result:` reads as "is there a number"
        return False


def is_defined(value) -> bool:
    return not isinstance(value, Undefined)
