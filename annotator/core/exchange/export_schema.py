"""Checking an export file's values against the JSON Schema of its version and upgrading an older
file to the current version: for the whole file (``checked``) or, when it is read as a stream
(export_read), for its head (the file without its annotations) and then each chunk of annotations.
The checks beyond the schema are export_check's. See export_file for the format.
"""

from __future__ import annotations

import json
import math
from typing import Any

import fastjsonschema

from annotator.core import resources
from annotator.core.errors import ExchangeError, brief
from annotator.core.exchange.chunk_check import Columns, item_rules, schema_passes
from annotator.core.exchange.decisions import role
from annotator.core.exchange.export_check import ExportCheck, json_path
from annotator.core.text import value_problems

FORMAT = "annotator-export"
VERSION = 3
READS = (1, 2, 3)  # the versions read; an older one is upgraded in memory (upgraded)

_validators: dict[int, Any] = {}


def _schema_validator(version: int = VERSION):
    """The compiled JSON Schema of ``version`` (one of READS)."""
    if version not in _validators:
        schema = resources.read_json("formats", f"annotator-export-v{version}.schema.json")
        # Draft 2020-12 as written; the keywords it uses mean the same in fastjsonschema's draft 7.
        # Formats are left to check_export, whose messages say what a timestamp must look like.
        _validators[version] = fastjsonschema.compile(schema, use_default=False, use_formats=False)
    return _validators[version]


_item_validators: dict[int, Any] = {}


def _annotations_validator(version: int):
    """The schema's "annotations" (a list) compiled alone: a chunk of annotations is checked by
    the same rules, in a function of its own (in the whole schema's, each item costs far more)."""
    if version not in _item_validators:
        schema = resources.read_json("formats", f"annotator-export-v{version}.schema.json")
        part = {"$schema": schema["$schema"], **schema["properties"]["annotations"]}
        _item_validators[version] = fastjsonschema.compile(part, use_default=False, use_formats=False)
    return _item_validators[version]

_rules: dict[int, Any] = {}


def _item_rules(version: int):
    """The schema's annotation (an item of "annotations") in chunk_check's quick form."""
    if version not in _rules:
        schema = resources.read_json("formats", f"annotator-export-v{version}.schema.json")
        _rules[version] = item_rules(schema["properties"]["annotations"]["items"])
    return _rules[version]


def checked(data: Any, name: str) -> dict[str, Any]:
    """The whole export dict ``data`` checked (ExchangeError naming ``name``, the JSON path and the
    reason), as version 3; the same steps as a file read as a stream, in one chunk."""
    if not isinstance(data, dict):
        not_an_export(name)
    if not isinstance(data.get("annotations"), list):
        HeadCheck(data, name, listed=False)  # the schema says what is wrong with it
    check = HeadCheck({key: value for key, value in data.items() if key != "annotations"}, name)
    check.chunk(data["annotations"])
    check.finish()
    return upgraded(data)


def not_an_export(name: str):
    raise ExchangeError(f"{name}: not an Annotator export (no \"format\": \"{FORMAT}\"; another tool's JSON?)")


def required(version: Any) -> tuple[str, ...] | None:
    """The top-level keys a file of ``version`` must have, or None for a version not read."""
    if not (isinstance(version, int) and not isinstance(version, bool) and version in READS):
        return None
    return tuple(resources.read_json("formats", f"annotator-export-v{version}.schema.json")["required"])


class HeadCheck:
    """A file checked in steps: ``head`` (every top-level key but "annotations") when made, each
    chunk of annotations in file order (``chunk``), then the checks that need all of them
    (``finish``). ``listed``: the file has an annotations list."""

    def __init__(self, head: dict[str, Any], name: str, listed: bool = True):
        if head.get("format") != FORMAT:
            not_an_export(name)
        self.name, self.version = name, head.get("version")
        if isinstance(self.version, int) and not isinstance(self.version, bool) and self.version > VERSION:
            raise ExchangeError(f"{name}: export version {self.version} was written by a newer Annotator; "
                                f"this one reads version {VERSION}. Update Annotator.")
        whole = dict(head, annotations=[]) if listed else head
        self._raise(_value_problem(whole))
        _whole_numbers(head, name)
        self.schema = self.version if required(self.version) is not None else VERSION  # 1.0 is not 1
        self._raise(_schema_error(whole, self.schema))
        self.head, self.check = head, ExportCheck(head, name)

    def _raise(self, problem: str | None) -> None:
        if problem is not None:
            raise ExchangeError(f"{self.name}: {problem}")

    def chunk(self, annotations: list[Any]) -> Columns | None:
        """Check the next annotations of the file; a version-1 file's are upgraded in place. Gives
        their columns where the quick checks took them (each then of the exact type the schema
        says), else None."""
        offset, part = self.check.count, {"annotations": annotations}
        columns = Columns(annotations) if isinstance(annotations, list) else None
        if not schema_passes(annotations, _item_rules(self.schema), _STRICT, columns):  # else, one at a time:
            columns = None  # the values may change (0.0 becomes 0)
            self._raise(_value_problem(part, offset))
            _whole_numbers(part, self.name, offset)
            try:
                _annotations_validator(self.schema)(annotations)
            except fastjsonschema.JsonSchemaValueException as error:
                path = _instance_path(annotations, error.path)
                self._raise(f"{json_path(['annotations', offset + path[0], *path[1:]])}: {_schema_message(error)}")
        self.check.annotations(annotations, columns)
        if self.version == 1:
            for ann in annotations:
                ann["modified_by"] = None
            columns = None  # the field added, if taken before
        return columns

    def finish(self) -> None:
        self.check.finish()


def upgraded(data: dict[str, Any]) -> dict[str, Any]:
    """A checked file as version 3: a version-1 file gets empty settings and statuses, and
    ``modified_by`` null on each annotation (version 1 did not record who last changed one); an
    older file gets no decisions, and each annotator its role."""
    if data["version"] == 1:
        data["settings"], data["statuses"] = {}, []
        for ann in data["annotations"]:
            ann["modified_by"] = None
    if data["version"] < VERSION:
        data["version"], data["decisions"] = VERSION, []
        for entry in data["annotators"]:
            entry["role"] = role(entry["id"])
    return data


# The whole-number fields: a JSON Schema "integer" is any number with a zero fractional part, so
# 0.0 passes the schema; it is read as the integer it equals, and 0.5 is refused here.
_WHOLE_NUMBERS = (("documents", ("length",)), ("annotations", ("start", "end")), ("categories", ("position",)),
                  ("decisions", ("start", "end")))


def _whole_numbers(data: dict[str, Any], name: str, offset: int = 0) -> None:
    """Turn each whole-number field written as a float with no fraction (``0.0``) into the int it
    equals, in place, before the schema check; ExchangeError with the JSON path for ``0.5``."""
    for key, fields in _WHOLE_NUMBERS:
        items = data.get(key)
        for index, entry in enumerate(items if isinstance(items, list) else ()):
            for field in fields:
                value = entry.get(field) if isinstance(entry, dict) else None
                if not isinstance(value, float) or not math.isfinite(value):
                    continue  # the schema and check_export say what is wrong with anything else
                if not value.is_integer():
                    raise ExchangeError(f"{name}: {json_path([key, offset + index, field])}: must be a whole number "
                                        f"(got {value!r})")
                entry[field] = int(value)


_CHUNK = 2000  # items encoded at a time by the strict check, never a copy of a whole large file
_STRICT = json.JSONEncoder(ensure_ascii=False, allow_nan=False, check_circular=False).encode


def _value_problem(data: dict[str, Any], offset: int = 0) -> str | None:
    """The first lone surrogate (in a value or a key) or infinity (``1e999``) in ``data``, as
    "path: reason", or None. Encoding a chunk strictly in C is fast; only a chunk that fails is
    walked in Python to find the place."""
    _, problems = value_problems(list(data))  # the top-level keys themselves
    if problems:
        return f"$: a key: {problems[0][1]}"
    for key, value in data.items():
        chunks = ([(i, value[i:i + _CHUNK]) for i in range(0, len(value), _CHUNK)] if isinstance(value, list)
                  else [(None, value)])
        for start, chunk in chunks:
            try:
                _STRICT(chunk).encode("utf-8")
                continue
            except (ValueError, TypeError, RecursionError):  # UnicodeEncodeError is a ValueError
                pass
            _, problems = value_problems(chunk)
            if problems:
                path, reason = problems[0]
                if start is not None:
                    start += offset
                    path = (start + path[0], *path[1:]) if path else (start,)
                return f"{json_path([key, *path])}: {reason}"
    return None


def _schema_error(data: dict[str, Any], version: int = VERSION) -> str | None:
    """The first place where ``data`` breaks the JSON Schema of ``version``, as "path: reason", or None."""
    try:
        _schema_validator(version)(data)
    except fastjsonschema.JsonSchemaValueException as error:
        return f"{json_path(_instance_path(data, error.path))}: {_schema_message(error)}"
    return None


def _instance_path(data: Any, parts: list[str]) -> list[str | int]:
    """fastjsonschema's path (``["data", "annotations", "3", "start"]``) with list indices as ints."""
    path: list[str | int] = []
    for part in parts[1:]:
        key: str | int = int(part) if isinstance(data, list) else part
        path.append(key)
        data = data[key] if isinstance(data, (list, dict)) else None
    return path


def _schema_message(error: fastjsonschema.JsonSchemaValueException) -> str:
    """The reason in words like the JSON Schema specification's (fastjsonschema's own message
    starts with the place, which the caller gives as a JSON path), never repeating a huge value."""
    rule, limit, value = error.rule, error.rule_definition, error.value
    shown = brief(value, show=_json_text)
    if rule == "required":
        return f"{_json_text(next(name for name in limit if name not in value))} is a required property"
    if rule == "additionalProperties":
        extra = sorted(set(value) - set(error.definition.get("properties", {})))[0]
        return f"{brief(extra, show=_json_text)} is not an allowed property"
    if rule == "type":
        return f"{shown} is not of type {_json_text(limit)}"
    if rule in ("minimum", "maximum"):
        return f"{shown} is {'less' if rule == 'minimum' else 'greater'} than the {rule} of {limit}"
    if rule == "maxLength" and isinstance(value, str):
        return f"is {len(value):,} characters long; at most {limit:,} are allowed"
    if rule == "minLength":
        return f"{shown} is shorter than {limit} character{'s' if limit != 1 else ''}"
    if rule == "const":
        return f"{shown} is not {_json_text(limit)}"
    if rule == "enum":
        return f"{shown} is not one of {_json_text(limit)}"
    if rule == "pattern":
        return f"{shown} does not match {_json_text(limit)}"
    if rule == "maxItems":
        return f"has more than {limit} item{'s' if limit != 1 else ''}"
    return brief(error.message.removeprefix(error.name).strip(), 200, show=str)


def _json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
