"""Rules for categories (names, colours, shortcuts) and the schema templates in resources/."""

from __future__ import annotations

import re
from typing import Any

from annotator.core import resources
from annotator.core.errors import ValidationError
from annotator.core.text import LIMITS, check_field, normalise

# Distinct colours for new categories, picked in order: Okabe-Ito (safe for colour-blind coders)
# followed by Tableau 10 colours that are not already close to one of them.
PALETTE = (
    "#0072b2", "#e69f00", "#cc79a7", "#009e73", "#d55e00", "#56b4e9", "#f0e442", "#000000",
    "#8c564b", "#7f7f7f", "#bcbd22", "#17becf", "#9467bd", "#2ca02c", "#d62728", "#ff7f0e",
)

_COLOUR = re.compile(r"#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})")
MAX_SHORTCUT = 32


def normalise_colour(value: str) -> str:
    """``"#RGB"``, ``"#RRGGBB"`` (``#`` optional) to ``"#rrggbb"``; ValidationError otherwise."""
    match = _COLOUR.fullmatch(value.strip()) if isinstance(value, str) else None
    if not match:
        raise ValidationError(f"invalid colour {value!r}: use #rrggbb, for example #0072b2")
    digits = match.group(1).lower()
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return "#" + digits


def clean_name(value: str) -> str:
    """A category name without surrounding white space; ValidationError if empty, too long, or
    holding control characters."""
    name = value.strip() if isinstance(value, str) else ""
    if not name:
        raise ValidationError("a category needs a name")
    return check_field(name, "the category name", LIMITS["name"])


def clean_description(value: str | None) -> str:
    """A category's guideline text (may be empty)."""
    return check_field(normalise(value or ""), "the category description", LIMITS["note"])


def clean_shortcut(value: str | None) -> str | None:
    """A shortcut key text (``"F"``, ``"Ctrl+1"``) or None; ValidationError if too long."""
    if value is None:
        return None
    shortcut = value.strip()
    if not shortcut:
        return None
    if len(shortcut) > MAX_SHORTCUT:
        raise ValidationError(f"shortcut {shortcut!r} is too long")
    return check_field(shortcut, "the shortcut", MAX_SHORTCUT)


def check_attribute_definitions(value: Any) -> list[dict[str, Any]]:
    """Attribute definitions must be a list of objects with a non-empty, unique ``name``.
    (Types, choices and defaults are checked by the schema editor's rules.)"""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(d, dict) for d in value):
        raise ValidationError("attribute definitions must be a list of objects")
    names = [d.get("name") for d in value]
    if not all(isinstance(n, str) and n.strip() for n in names):
        raise ValidationError("every attribute definition needs a name")
    if len(set(names)) != len(names):
        raise ValidationError("attribute names must be unique within a category")
    return [dict(d) for d in value]


def next_colour(used: set[str]) -> str:
    """The first palette colour not in ``used`` (cycling when all are used)."""
    for colour in PALETTE:
        if colour not in used:
            return colour
    return PALETTE[len(used) % len(PALETTE)]


def load_schema_template(name: str) -> dict[str, Any]:
    """A schema template from resources/schemas/<name>.json (``"claims"`` is the default)."""
    if not re.fullmatch(r"[A-Za-z0-9_-]+", name):
        raise ValidationError(f"invalid schema template name {name!r}")
    try:
        data = resources.read_json("schemas", f"{name}.json")
    except FileNotFoundError as exc:
        raise ValidationError(f"no schema template named {name!r}") from exc
    if data.get("format") != "annotator-schema" or not isinstance(data.get("categories"), list):
        raise ValidationError(f"schema template {name!r} is not an Annotator schema")
    return data
