"""A chunk of annotations checked in one pass: the quick path of the per-annotation checks of an
export file (export_schema.HeadCheck.chunk and export_check.ExportCheck.annotations).

The checks themselves are those of export_schema and export_check; each is done here a field at a
time over the whole chunk (a column taken with ``itemgetter``, then ``min``, ``max``, set and
``all(map(...))`` in C; every text of a column searched by one regular expression) instead of a
field at a time per annotation. Each quick check only says yes or "look closer": on yes, the
step's result is exactly what the step-by-step check would have given (for ExportCheck its state:
the ids seen, the count, the annotations the decisions name, the first orphan of the gold layer);
on anything else, nothing has changed and the caller runs the step-by-step check, which refuses
the chunk with its own words (or finds it good: a quick check may be stricter than the rule, never
looser). So a file is refused exactly as before, with the same message, and a good file is read
without a Python function call per field per annotation (benchmarks/README.md, "Exchange at
scale").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from itertools import chain, filterfalse, repeat
from operator import eq, itemgetter, le, lt
from typing import Any

from annotator.core.exchange.decisions import MAX_INTEGER
from annotator.core.storage.tables import GOLD_ID
from annotator.core.text import SURE_TIMESTAMP, TIMESTAMP

_SURROGATE = re.compile(r"[\ud800-\udfff]")  # text.LONE_SURROGATES
_CONTROL_OR_SURROGATE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")  # CONTROL_CHARACTERS, LONE_SURROGATES
_NUL_OR_SURROGATE = re.compile(r"[\x00\ud800-\udfff]")
_SCALARS = frozenset({str, int, float, bool, type(None)})


@dataclass(frozen=True)
class ItemRules:
    """The JSON Schema of an annotation (the items of "annotations") in the forms the quick check
    knows: every property a string (with minLength, maxLength), an integer (minimum, maximum), an
    object, or a string or null. The strings come grouped by their (minLength, maxLength)."""

    keys: frozenset[str]  # the properties; the quick check wants exactly these on every item
    strings: tuple[tuple[tuple[str, ...], int, int | None], ...]  # (fields, minLength, maxLength)
    integers: tuple[tuple[str, int, int], ...]
    objects: tuple[str, ...]
    nullable: tuple[tuple[str, int, int | None], ...]  # string or null


_STRING_RULE = frozenset({"type", "minLength", "maxLength", "format"})  # formats: not checked (export_schema)


def item_rules(items: dict[str, Any]) -> ItemRules | None:
    """The quick form of the schema ``items`` (of the annotations list), or None when it holds a
    rule the quick check does not know (then every chunk is checked step by step)."""
    properties = items.get("properties", {})
    if (items.get("type") != "object" or items.get("additionalProperties") is not False
            or set(items) - {"type", "additionalProperties", "required", "properties"}
            or set(items.get("required", ())) != set(properties)):
        return None
    strings: dict[tuple[int, int | None], list[str]] = {}
    integers, objects, nullable = [], [], []

    def string(rule: dict[str, Any]) -> tuple[int, int | None] | None:
        if rule.get("type") != "string" or set(rule) - _STRING_RULE:
            return None
        return rule.get("minLength", 0), rule.get("maxLength")

    for field, rule in properties.items():
        if rule.get("type") == "integer" and set(rule) == {"type", "minimum", "maximum"}:
            integers.append((field, rule["minimum"], rule["maximum"]))
        elif rule == {"type": "object"}:
            objects.append(field)
        elif (set(rule) == {"anyOf"} and len(rule["anyOf"]) == 2 and rule["anyOf"][1] == {"type": "null"}
              and string(rule["anyOf"][0]) is not None):
            nullable.append((field, *string(rule["anyOf"][0])))
        elif string(rule) is not None:
            strings.setdefault(string(rule), []).append(field)
        else:
            return None
    return ItemRules(frozenset(properties), tuple((tuple(fields), *limits) for limits, fields in strings.items()),
                     tuple(integers), tuple(objects), tuple(nullable))


class Columns:
    """The values of each field over a chunk of annotations, taken once (a list each), for both
    quick checks of one chunk."""

    def __init__(self, items: list):
        self.items, self._taken = items, {}

    def __getitem__(self, field: str) -> list:
        taken = self._taken.get(field)
        if taken is None:
            taken = self._taken[field] = list(map(itemgetter(field), self.items))
        return taken


def _texts_fit(values: list, low: int, high: int | None) -> bool:
    """Every value (each a str, as the caller found) of ``low`` to ``high`` characters."""
    if not values:
        return True
    if low == 1:
        fits = all(values)
    else:
        fits = low < 1 or min(map(len, values)) >= low
    return fits and (high is None or max(map(len, values)) <= high)


def _integers_fit(values: list, low: int, high: int) -> bool:
    """Every value an int (not a bool, not a float such as 0.0) from ``low`` to ``high``."""
    return not values or (set(map(type, values)) == {int} and min(values) >= low and max(values) <= high)


def schema_passes(items: Any, rules: ItemRules | None, strict, columns: Columns | None = None) -> bool:
    """Whether the chunk ``items`` passes export_schema's checks of a chunk as it is (no lone
    surrogate or infinity anywhere, no whole number written as 0.0 to be turned into 0, the JSON
    Schema of an annotation); ``strict`` is export_schema's strict JSON encoder. Yes only when
    every item has exactly the schema's keys, each value of the exact type, and every attribute
    value is a plain value (not a list or an object)."""
    if rules is None or type(items) is not list:
        return False
    if not items:
        return True
    columns = columns or Columns(items)
    try:
        if set(map(type, items)) != {dict} or not all(map(eq, map(dict.keys, items), repeat(rules.keys))):
            return False
        given = [([value for value in columns[field] if value is not None], low, high)
                 for field, low, high in rules.nullable]  # string or null: the strings
        given += [(columns[field], low, high) for fields, low, high in rules.strings for field in fields]
        # str.isascii refuses anything but text (TypeError) and is true of ASCII text at once (its
        # kind): the text of the rest, joined, is searched for a lone surrogate.
        if _SURROGATE.search("".join(filterfalse(str.isascii, chain.from_iterable(
                values for values, _, _ in given)))) is not None:
            return False
        if not all(_texts_fit(values, low, high) for values, low, high in given):
            return False
        for field, low, high in rules.integers:
            if not _integers_fit(columns[field], low, high):
                return False
        for field in rules.objects:
            column = columns[field]
            if set(map(type, column)) != {dict}:
                return False
            filled = [value for value in column if value]
            for value in filled:
                if not set(map(type, value)) <= {str} or not set(map(type, value.values())) <= _SCALARS:
                    return False
            if filled:
                strict(filled).encode("utf-8")  # a lone surrogate, NaN or infinity: ValueError
        return True
    except (ValueError, TypeError, RecursionError):
        return False


_SURE_TIMES = re.compile(f"(?:{SURE_TIMESTAMP}\n)*{SURE_TIMESTAMP}")  # a line each


def _times_fit(values: set) -> bool:
    """text.check_timestamp of each value, without the message: all at once when every one is a
    time surely good (text.SURE_TIMESTAMP), else one at a time as check_timestamp does."""
    if not values:
        return True
    try:
        if _SURE_TIMES.fullmatch("\n".join(values)):
            return True
    except TypeError:  # not all text
        pass
    match, parse = TIMESTAMP.fullmatch, datetime.fromisoformat
    try:
        for value in values:
            if not isinstance(value, str) or not match(value):
                return False
            parse(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def annotations_pass(check, chunk: list[dict[str, Any]], columns: Columns | None = None) -> bool:
    """Whether ExportCheck.annotations would find nothing wrong with ``chunk`` (``check`` is the
    ExportCheck); if so, its state is brought on as that would (and True is returned)."""
    columns = columns or Columns(chunk)
    try:
        ids, starts, ends, documents = columns["id"], columns["start"], columns["end"], columns["document_id"]
        coders = columns["annotator_id"]
        times = set(columns["created"])
        times.update(columns["modified"])
        lengths, count = check.lengths, check.count
        fine = (_integers_fit(starts, 0, MAX_INTEGER) and _integers_fit(ends, 1, MAX_INTEGER)
                and _times_fit(times)
                and len(set(ids)) == len(ids) and check.seen.keys().isdisjoint(ids)
                and _CONTROL_OR_SURROGATE.search("".join(columns["note"])) is None
                and lengths.keys() >= set(documents)
                and check.categories.keys() >= set(columns["category_id"])
                and check.coders >= set(coders)
                and check.projects >= set(columns["project_id"])
                and all(map(lt, starts, ends))
                and all(map(le, ends, map(lengths.__getitem__, documents)))
                and all(_NUL_OR_SURROGATE.search("".join(columns[field])) is None
                        for field in ("quote", "prefix", "suffix")))
    except (KeyError, TypeError, AttributeError):
        return False
    if not fine:
        return False
    check.seen.update(zip(ids, range(count, count + len(ids))))
    if check.named and not check.named.isdisjoint(ids):
        for ann in chunk:
            if ann["id"] in check.named:
                check.found[ann["id"]] = {"annotator_id": ann["annotator_id"], "document_id": ann["document_id"]}
    if check.orphan is None and GOLD_ID in coders:
        check.orphan = next(((index, ann_id) for index, (coder, ann_id) in enumerate(zip(coders, ids), count)
                             if coder == GOLD_ID and ann_id not in check.gold_made), None)
    check.count += len(chunk)
    return True


def kept_pass(check, kept: list[tuple[str, tuple, bytes]], decoded) -> bool:
    """Whether ExportCheck.annotations (``check``) would find nothing wrong with the merge's kept
    annotations, each given as (id, its entry of the merge's index: (document_id, start, end, ...,
    of the gold layer), its line), without decoding them. Each was checked in the file it was read
    from and differs from that at most in its document, now the one of the same text (SHA-256)
    with the smallest id; the merged head holds every document, category, coder and project of
    every file, and one version of each id. So all that check could still find is an end past
    its document, where files gave one text different lengths, and that is looked at here; if so,
    its state is brought on as that would (the ids seen aside: none can come twice), decoding
    (``decoded(line)``) only the annotations the decisions name. Else False, nothing changed."""
    entries = list(map(itemgetter(1), kept))
    try:
        if not all(map(le, map(itemgetter(2), entries), map(check.lengths.__getitem__, map(itemgetter(0), entries)))):
            return False
    except KeyError:  # not a document of the merged head: the full check says so
        return False
    count = check.count
    if check.named:
        for ann_id, _, line in kept:
            if ann_id in check.named:
                ann = decoded(line)
                check.found[ann_id] = {"annotator_id": ann["annotator_id"], "document_id": ann["document_id"]}
    if check.orphan is None:
        check.orphan = next(((index, ann_id) for index, (ann_id, entry, _) in enumerate(kept, count)
                             if entry[6] and ann_id not in check.gold_made), None)
    check.count += len(kept)
    return True
