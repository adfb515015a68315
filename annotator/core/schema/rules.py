"""Rules for categories: names, colours, shortcut keys, attribute types and definitions, and the
attribute values annotations may hold. (Templates: annotator.core.schema.templates.)"""

from __future__ import annotations

import copy
import math
import re
from enum import StrEnum
from typing import Any

from annotator.core.errors import ValidationError, brief, quoted
from annotator.core.text import (
    CONTROL_CHARACTERS,
    LIMITS,
    LONE_SURROGATES,
    check_field,
    check_value,
    normalise,
)

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
        raise ValidationError(f"invalid colour {brief(value)}: use #rrggbb, for example #0072b2")
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
        raise ValidationError(f"shortcut {brief(shortcut)} is too long")
    return check_field(shortcut, "the shortcut", MAX_SHORTCUT)


class AttributeType(StrEnum):
    """The type of an attribute; its value is what a definition stores as ``"type"``. The one list of
    types: the core accepts exactly these and the GUI offers exactly these, by their ``label``."""

    TEXT = "text"
    CHOICE = "choice"
    MULTIPLE = "multiple"
    BOOLEAN = "boolean"
    NUMBER = "number"

    @property
    def label(self) -> str:
        """The name shown to a coder ("Single choice", "Yes/no", ...)."""
        return _TYPE_LABELS[self]

    @property
    def has_choices(self) -> bool:
        return self in (AttributeType.CHOICE, AttributeType.MULTIPLE)


_TYPE_LABELS = {AttributeType.TEXT: "Text", AttributeType.CHOICE: "Single choice",
                AttributeType.MULTIPLE: "Multiple choice", AttributeType.BOOLEAN: "Yes/no",
                AttributeType.NUMBER: "Number"}
ATTRIBUTE_TYPES = tuple(kind.value for kind in AttributeType)
_DEFINITION_KEYS = {"name", "type", "choices", "default", "min", "max"}
MAX_ATTRIBUTES = 100  # definitions per category
MAX_CHOICES = 1000  # choices per attribute


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def check_attribute_definitions(value: Any) -> list[dict[str, Any]]:
    """Attribute definitions of a category, checked; ValidationError naming the attribute otherwise.

    Each is ``{"name": text, "type": "text" | "choice" | "multiple" | "boolean" | "number"}`` with
    ``choices`` (a non-empty list of distinct texts; for choice and multiple only), an optional
    ``default`` valid for the type, and for numbers an optional ``min`` and ``max`` (min <= max).
    Names are unique within the category (ignoring case). Returns copies, names stripped.
    """
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(d, dict) for d in value):
        raise ValidationError("attribute definitions must be a list of objects")
    if len(value) > MAX_ATTRIBUTES:
        raise ValidationError(f"a category can have at most {MAX_ATTRIBUTES} attributes (got {len(value)})")
    out: list[dict[str, Any]] = []
    seen: dict[str, str] = {}
    for index, raw in enumerate(value):
        name = raw.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ValidationError(f"attribute {index + 1} needs a name")
        name = check_field(name.strip(), f"the name of attribute {index + 1}", LIMITS["name"])
        where = f"attribute {quoted(name)}"
        if name.casefold() in seen:
            raise ValidationError(f"{where} is defined twice; attribute names must be unique within a category")
        seen[name.casefold()] = name
        unknown = sorted(set(raw) - _DEFINITION_KEYS)
        if unknown:
            raise ValidationError(f"{where}: unknown field(s) {', '.join(map(repr, unknown))}; "
                                  f"known: {', '.join(sorted(_DEFINITION_KEYS))}")
        kind = raw.get("type")
        if kind not in ATTRIBUTE_TYPES:
            raise ValidationError(f"{where}: type must be one of {', '.join(ATTRIBUTE_TYPES)} (got {kind!r})")
        definition: dict[str, Any] = {"name": name, "type": kind}
        if kind in ("choice", "multiple"):
            choices = raw.get("choices")
            if not isinstance(choices, list) or not choices:
                raise ValidationError(f"{where}: a {kind} attribute needs a non-empty list of choices")
            if len(choices) > MAX_CHOICES:
                raise ValidationError(f"{where}: at most {MAX_CHOICES} choices (got {len(choices)})")
            for choice in choices:
                if not isinstance(choice, str) or not choice.strip():
                    raise ValidationError(f"{where}: every choice must be non-empty text (got {choice!r})")
                check_field(choice, f"{where}: a choice", LIMITS["name"])
            if len(set(choices)) != len(choices):
                twice = next(c for c in choices if choices.count(c) > 1)
                raise ValidationError(f"{where}: choice {twice!r} is listed twice")
            definition["choices"] = list(choices)
        elif "choices" in raw:
            raise ValidationError(f"{where}: only choice and multiple attributes have choices")
        for bound in ("min", "max"):
            if bound in raw:
                if kind != "number":
                    raise ValidationError(f"{where}: only number attributes have a {bound}")
                if not _is_number(raw[bound]):
                    raise ValidationError(f"{where}: {bound} must be a number (got {raw[bound]!r})")
                definition[bound] = raw[bound]
        if "min" in definition and "max" in definition and definition["min"] > definition["max"]:
            raise ValidationError(f"{where}: min {definition['min']} is greater than max {definition['max']}")
        if "default" in raw:
            problem = value_problem(raw["default"], definition)
            if problem:
                raise ValidationError(f"{where}: the default {problem}")
            definition["default"] = raw["default"]
        out.append(definition)
    return check_value(out, "attribute definitions")


def value_problem(value: Any, definition: dict[str, Any]) -> str | None:
    """Why ``value`` does not fit the attribute ``definition`` (a phrase such as "must be a
    number"), or None when it fits. None (no value) fits every type. A definition of an unknown
    type (from an older file) accepts any value."""
    if value is None:
        return None
    kind = definition.get("type")
    if kind == "text":
        if not isinstance(value, str):
            return f"must be text (got {value!r:.60})"
        if len(value) > LIMITS["note"] or CONTROL_CHARACTERS.search(value) or LONE_SURROGATES.search(value):
            return "is too long or holds control characters"
    elif kind == "choice":
        if not isinstance(value, str) or value not in definition.get("choices", ()):
            return f"must be one of {_listed(definition.get('choices', ()))} (got {value!r:.60})"
    elif kind == "multiple":
        choices = definition.get("choices", ())
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return f"must be a list of choices from {_listed(choices)} (got {value!r:.60})"
        wrong = [v for v in value if v not in choices]
        if wrong:
            return f"holds {brief(wrong[0])}, which is not one of {_listed(choices)}"
        if len(set(value)) != len(value):
            return "lists a choice twice"
    elif kind == "boolean":
        if not isinstance(value, bool):
            return f"must be true or false (got {value!r:.60})"
    elif kind == "number":
        if not _is_number(value):
            return f"must be a number (got {value!r:.60})"
        if "min" in definition and value < definition["min"]:
            return f"is {brief(value)}, below the minimum {definition['min']}"
        if "max" in definition and value > definition["max"]:
            return f"is {brief(value)}, above the maximum {definition['max']}"
    return None


def format_value(value: Any) -> str:
    """An attribute value (or a definition's default, min or max) as a coder reads and types it:
    "" for none, yes/no, choices comma-separated, whole numbers without ".0"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(format_value(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


MAX_DECIMALS = 6


def decimals(number: Any) -> int:
    """How many digits after the decimal point ``number`` is written with (0 for 3 and 3.0; 2 for
    0.25; at most MAX_DECIMALS); 0 for what is not a number."""
    if not _is_number(number) or float(number).is_integer():
        return 0
    text = repr(float(number))
    if "e" in text:  # 1e-07: the exponent says it
        mantissa, exponent = text.split("e")
        places = len(mantissa.partition(".")[2].rstrip("0")) - int(exponent)
    else:
        places = len(text.partition(".")[2].rstrip("0"))
    return max(0, min(MAX_DECIMALS, places))


def number_precision(definition: dict[str, Any], value: Any = None) -> int:
    """The decimals a number attribute is shown and edited with: as many as its min, max, default
    and ``value`` are written with, so a 1–5 scale shows "3", not "3.00", and 0–1 in steps of 0.25
    shows "0.25". A definition without min, max and default gives 2 (any number may be typed)."""
    given = [definition[key] for key in ("min", "max", "default") if _is_number(definition.get(key))]
    if not given:
        return max(2, decimals(value))
    return max(decimals(n) for n in [*given, value])


def parse_value(kind: str, text: str, what: str = "the value") -> Any:
    """The value of an attribute of type ``kind`` that ``text`` (as ``format_value`` writes it)
    stands for; ValidationError naming ``what`` when it is not a number or yes/no. Whether the
    value fits the definition (choices, bounds) is ``value_problem``'s."""
    if kind == AttributeType.NUMBER:
        try:
            number = float(text.replace(",", ".") if text.count(",") == 1 and "." not in text else text)
        except ValueError:
            raise ValidationError(f"{what} must be a number, not “{text}”") from None
        return int(number) if number.is_integer() and "." not in text and "e" not in text.lower() else number
    if kind == AttributeType.BOOLEAN:
        folded = text.casefold()
        if folded in ("yes", "y", "true", "1", "on"):
            return True
        if folded in ("no", "n", "false", "0", "off"):
            return False
        raise ValidationError(f"{what} must be yes or no, not “{text}”")
    if kind == AttributeType.MULTIPLE:
        return [part.strip() for part in text.split(",") if part.strip()]
    return text


def _listed(choices) -> str:
    shown = ", ".join(repr(c) for c in list(choices)[:10])
    return shown + (", …" if len(choices) > 10 else "")


def check_attribute_values(values: dict[str, Any], definitions: list[dict[str, Any]], where: str) -> None:
    """Refuse values for attributes the category does not define, or that do not fit their
    definition: ValidationError naming ``where`` (the annotation) and the attribute."""
    by_name = {d.get("name"): d for d in definitions}
    for name, value in values.items():
        definition = by_name.get(name)
        if definition is None:
            known = f"its category defines {_listed(list(by_name))}" if by_name else "its category defines none"
            raise ValidationError(f"{where}: unknown attribute {quoted(name)} ({known})")
        problem = value_problem(value, definition)
        if problem:
            raise ValidationError(f"{where}: attribute {quoted(name)} {problem}")


def with_defaults(values: dict[str, Any], definitions: list[dict[str, Any]]) -> dict[str, Any]:
    """``values`` with the default of each attribute that ``definitions`` gives one and ``values``
    holds nothing for (a new annotation's values). A value given, even None, is kept."""
    missing = {d["name"]: copy.deepcopy(d["default"]) for d in definitions
               if d.get("default") is not None and d.get("name") not in values}
    return {**values, **missing} if missing else values


def fit_attribute_values(values: dict[str, Any], definitions: list[dict[str, Any]]) -> dict[str, Any]:
    """The values that fit ``definitions`` (used when an annotation moves to another category:
    values the new category does not define, or that do not fit it, are dropped)."""
    by_name = {d.get("name"): d for d in definitions}
    return {name: value for name, value in values.items()
            if name in by_name and value_problem(value, by_name[name]) is None}


def oklab(colour: str) -> tuple[float, float, float]:
    """The OKLab coordinates (L, a, b) of an sRGB ``"#rrggbb"`` colour: Björn Ottosson's perceptual
    space (https://bottosson.github.io/posts/oklab/), where straight-line distance follows how
    different two colours look."""
    digits = normalise_colour(colour)[1:]

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(int(digits[i:i + 2], 16) / 255) for i in (0, 2, 4))
    lms = (0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b,
           0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b,
           0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b)
    l_, m_, s_ = (math.copysign(abs(v) ** (1 / 3), v) for v in lms)
    return (0.2104542553 * l_ + 0.7936177850 * m_ - 0.0040720468 * s_,
            1.9779984951 * l_ - 2.4285922050 * m_ + 0.4505937099 * s_,
            0.0259040371 * l_ + 0.7827717662 * m_ - 0.8086757660 * s_)


def colour_distance(first: str, second: str) -> float:
    """How different two colours look: the Euclidean distance of their OKLab coordinates (0 for
    the same colour; about 0.02 is the smallest difference people notice, 1 is black to white)."""
    return math.dist(oklab(first), oklab(second))


HIGHLIGHT_LIGHTNESS = 0.4


def next_colour(used: set[str]) -> str:
    """The colour for a new category: of the palette colours not in ``used`` (all of them once
    every one is used), the one whose nearest colour in ``used`` is farthest away (``colour_distance``);
    of equally distant ones, the first in the palette. Colours too dark to highlight with (OKLab
    lightness below ``HIGHLIGHT_LIGHTNESS``: black, whose tint under black text is a dull grey, and
    farthest from every colour only because it is dark) come last, once the others are used."""
    taken = set()
    for colour in used:
        try:
            taken.add(normalise_colour(colour))
        except ValidationError:
            continue  # a colour stored by an older version that this one does not read: no constraint
    free = [c for c in PALETTE if c not in taken] or list(PALETTE)
    candidates = [c for c in free if oklab(c)[0] >= HIGHLIGHT_LIGHTNESS] or free
    if not taken:
        return candidates[0]
    return max(candidates, key=lambda c: min(colour_distance(c, other) for other in taken))
