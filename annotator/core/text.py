"""Plain-text helpers: newline normalisation, hashing, the checks of what a project may hold, and
``pick`` (items chosen by ids or names).

Offsets matter in this project: an annotation points at character offsets in a document's
text, so the text is normalised exactly once (``normalise``). Decoding file bytes and splitting a
text into parts is the documents' business: core/documents/decoding.py.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping

from annotator.core.errors import ValidationError, brief, quoted


def normalise(text: str) -> str:
    """Drop one leading BOM and turn CR LF, lone CR and U+2029 into LF. Nothing else changes."""
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2029", "\n")


def sha256_text(text: str) -> str:
    """The hex SHA-256 digest of the text's UTF-8 bytes."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# -- what a project may hold in its short texts ----------------------------------------------
# The same limits and characters as the exchange format (resources/formats/...schema.json), so
# everything a project holds can be exported and read back.

LIMITS = {
    "name": 200,  # category and annotator names
    "title": 1000,  # document titles, project names
    "source": 4096,  # the file a document came from
    "note": 100_000,  # annotation notes, category descriptions
}
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # all but tab and newline
LONE_SURROGATES = re.compile(r"[\ud800-\udfff]")
# Unicode's 66 non-characters (U+FDD0–U+FDEF and the last two code points of every plane). XML 1.0
# cannot hold U+FFFE and U+FFFF at all (its Char production) and discourages the others, so a text
# that may end up in an XML file we write (a .qdc codebook) may not hold any of them.
NON_CHARACTERS = re.compile("[\ufdd0-\ufdef" + "".join(chr(plane << 16 | 0xFFFE) + chr(plane << 16 | 0xFFFF)
                                                         for plane in range(17)) + "]")


def check_field(value: object, what: str, limit: int) -> str:
    """``value`` if it is text without control characters (tab and newline are fine), lone
    surrogates or non-characters and at most ``limit`` characters long; ValidationError naming
    ``what`` otherwise."""
    if not isinstance(value, str):
        raise ValidationError(f"{what} must be text")
    if LONE_SURROGATES.search(value):
        raise ValidationError(f"{what} contains invalid Unicode (a lone surrogate)")
    if CONTROL_CHARACTERS.search(value):
        raise ValidationError(f"{what} contains control characters")
    odd = NON_CHARACTERS.search(value)
    if odd:
        raise ValidationError(f"{what} contains U+{ord(odd.group()):04X}, a Unicode non-character, "
                              "which XML files (such as a .qdc codebook) cannot hold")
    if len(value) > limit:
        raise ValidationError(f"{what} is too long ({len(value):,} characters; at most {limit:,})")
    return value


def clean_line(value: str, limit: int) -> str:
    """A one-line label made from text read out of a file: control characters and line breaks
    become spaces, lone surrogates and non-characters go, and it is cut to ``limit`` characters."""
    value = CONTROL_CHARACTERS.sub(" ", value.replace("\n", " ").replace("\t", " "))
    value = NON_CHARACTERS.sub("", LONE_SURROGATES.sub("", value))
    return value[:limit]


def _is_word_character(ch: str) -> bool:
    return ch.isalnum() or ch in "_'’\u00ad"


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen ``[start, end)`` to whole words and drop surrounding white space: a selection that
    begins or ends inside a word takes the whole word. Punctuation at the edges is kept as the
    coder selected it. Returns the span unchanged if it holds only white space."""
    start, end = max(0, start), min(len(text), end)
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end:
        return start, end
    if _is_word_character(text[start]):
        while start > 0 and _is_word_character(text[start - 1]):
            start -= 1
    if _is_word_character(text[end - 1]):
        while end < len(text) and _is_word_character(text[end]):
            end += 1
    return start, end


# -- JSON-like values a project stores (metadata, attribute values and definitions) ------------
# A value is stored only if it can be written back out as UTF-8 JSON: no lone surrogates (in
# keys or values) and no NaN or infinity, which JSON does not have (json.loads turns 1e999 into inf),
# and no U+0000, which PostgreSQL's jsonb cannot hold (issue 19, T2): a value a file holds must fit
# on a server too.

MAX_DEPTH = 100  # nesting of metadata and attribute values
_SURROGATE = "invalid Unicode (lone surrogate)"
_NAN = "NaN (not a JSON number)"
_INFINITY = "infinity (not a JSON number)"
_NUL = "a NUL character (U+0000), which a project cannot store"


def _where(path: tuple) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f" {p!r}" for p in path).strip()


def value_problems(value: object, mend: bool = False) -> tuple[object, list[tuple[tuple, str]]]:
    """Walk a JSON-like value; return ``(value, problems)`` where each problem is ``(path,
    reason)``, ``path`` the keys and indices leading to it. With ``mend`` the returned value is
    a copy with each problem made valid: a lone surrogate or U+0000 becomes U+FFFD, NaN and infinity
    null; without it the walk stops at the first problem."""
    problems: list[tuple[tuple, str]] = []

    def text(s: str, path: tuple) -> str:
        if LONE_SURROGATES.search(s):
            problems.append((path, _SURROGATE))
            return LONE_SURROGATES.sub("\ufffd", s)
        if "\x00" in s:
            problems.append((path, _NUL))
            return s.replace("\x00", "\ufffd")
        return s

    def walk(v, path: tuple, depth: int):
        if problems and not mend:
            return v
        if isinstance(v, str):
            return text(v, path)
        if isinstance(v, float) and (v != v or v in (float("inf"), float("-inf"))):
            problems.append((path, _NAN if v != v else _INFINITY))
            return None
        if v is None or isinstance(v, (bool, int, float)):
            return v
        if depth > MAX_DEPTH:
            problems.append((path, f"nested more than {MAX_DEPTH} levels deep"))
            return None
        if isinstance(v, dict):
            out = {}
            for key, item in v.items():
                if not isinstance(key, str):
                    problems.append((path, f"key {key!r} is not text"))
                    key = str(key)
                good = text(key, (*path, key))
                out[good] = walk(item, (*path, key), depth + 1)
            return out
        if isinstance(v, (list, tuple)):
            return [walk(item, (*path, i), depth + 1) for i, item in enumerate(v)]
        problems.append((path, f"{type(v).__name__} is not a JSON value"))
        return None

    result = walk(value, (), 0)
    return (result if mend else value), problems


def check_value(value, what: str):
    """``value`` if it is plain JSON that can be stored and written out again; ValidationError
    naming ``what`` and the place otherwise, e.g. "document 'X': metadata 'a': invalid Unicode
    (lone surrogate)"."""
    _, problems = value_problems(value)
    if problems:
        path, reason = problems[0]
        raise ValidationError(f"{what}{' ' + _where(path) if path else ''}: {reason}")
    return value


def mend_value(value, what: str, warn) -> object:
    """``value`` made valid for writing (see ``value_problems``); ``warn`` is called with one line
    per problem, e.g. "document 'X' metadata 'k': invalid Unicode replaced by U+FFFD"."""
    mended, problems = value_problems(value, mend=True)
    for path, reason in problems:
        fix = {_SURROGATE: "invalid Unicode replaced by U+FFFD", _NUL: "U+0000 replaced by U+FFFD",
               _NAN: "NaN replaced by null", _INFINITY: "infinity replaced by null"}.get(
                   reason, f"{reason}: replaced by null")
        warn(f"{what}{' ' + _where(path) if path else ''}: {fix}")
    return mended


def check_integer(value: object, what: str, low: int, high: int) -> int:
    """A whole number from ``low`` to ``high`` (a float such as 0.0 or a bool is not one)."""
    if type(value) is not int:
        raise ValidationError(f"{what} must be a whole number (got {brief(value)})")
    if not low <= value <= high:
        shown = value if abs(value) < 10**30 else "a huge number"
        raise ValidationError(f"{what} must be from {low:,} to {high:,} (got {shown})")
    return value


ID_LIMIT = 100
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})")
# Times that check_timestamp surely accepts, with no date to look up: every part in range and the
# day at most 28 (a quick test for many times at once; anything else goes through check_timestamp).
SURE_TIMESTAMP = (r"(?!0000)\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|1\d|2[0-8])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d"
                  r"(?:\.\d{1,6})?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)")


def check_id(value: object, what: str) -> str:
    """An id (a UUID as text, or any text of 1 to 100 characters without control characters or
    lone surrogates); ValidationError naming ``what`` otherwise."""
    check_field(value, what, ID_LIMIT)
    if not value:
        raise ValidationError(f"{what} is empty")
    return value


def check_timestamp(value: object, what: str) -> str:
    """An ISO 8601 date and time with seconds and a UTC offset, as ``models.now()`` writes it
    (``2026-11-21T20:17:24.123456+00:00``); ValidationError naming ``what`` otherwise."""
    from datetime import datetime

    ok = isinstance(value, str) and TIMESTAMP.fullmatch(value)
    if ok:
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            ok = False
    if not ok:
        raise ValidationError(f"{what} is not an ISO 8601 time such as 2026-11-21T20:17:24+00:00 (got {brief(value)})")
    return value


def pick(kind: str, wanted: Iterable[str] | None, names: Mapping[str, str]) -> list[str] | None:
    """The ids that ``wanted`` stands for, in order and without repeats: each entry is an id of
    ``names`` (id → name) or a name, which stands for every item of that name. None when
    ``wanted`` is None (no choice: everything). A word that matches nothing is a ValidationError
    naming it and what is known, the one message every command gives for ``--annotators`` and the
    like: ``no annotator named 'carol' (known: alice, bob)``."""
    if wanted is None:
        return None
    by_name: dict[str, list[str]] = {}
    for item_id, name in names.items():
        by_name.setdefault(name, []).append(item_id)
    chosen: list[str] = []
    for word in wanted:
        if word in names:
            chosen.append(word)
        elif word in by_name:
            chosen.extend(by_name[word])
        else:
            known = sorted(by_name)
            listed = ", ".join(known[:10]) + (", …" if len(known) > 10 else "") if known else "none"
            raise ValidationError(f"no {kind} named {quoted(word, 60)} (known: {listed})")
    return list(dict.fromkeys(chosen))


# -- how listings compare and sort text --------------------------------------------------------

def fold(text: str) -> str:
    """Text as a filter compares it: case-folded and NFC, so "É", "é" and "e\u0301" meet."""
    return unicodedata.normalize("NFC", text.casefold())


def collation_key(text: str) -> tuple[str, str]:
    """Sorts case- and accent-insensitively first ("Évidence" before "Opinion"), then exactly."""
    folded = text.casefold()
    if folded.isascii():
        return folded, folded
    return unicodedata.normalize("NFD", folded).translate(_WITHOUT_COMBINING), folded


class _WithoutCombining(dict):
    """A ``str.translate`` table dropping combining characters (``unicodedata.combining`` non-zero),
    filled as characters are met."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.combining(chr(code)) else code
        self[code] = kept
        return kept


_WITHOUT_COMBINING = _WithoutCombining()


def sort_key(text: str) -> str:
    """``collation_key`` as one string that sorts the same by code point (SQLite's BINARY
    collation of UTF-8): the base, U+0000, the folded text; an ASCII text's key is its folded
    text alone, which sorts as its tuple does (where the base is the same, the other text's folded
    form has a non-ASCII character where it first differs, greater than any ASCII one).

    U+0000 sorts below every other code point, so the key orders as the tuple does as long as the
    text holds none: no project text does (documents, notes and names refuse it, for PostgreSQL's
    sake too). PostgreSQL text cannot hold the separator, so a server stores the key's UTF-8 bytes
    (``bytea``, compared byte by byte: UTF-8's byte order is code point order, whatever the
    database's collation); SQLite stores the string, compared by its BINARY collation (memcmp of
    the UTF-8). One key, one order on both engines, and the keys files hold keep their meaning
    (tests/core/test_two_engine_types.py proves the orders equal)."""
    base, folded = collation_key(text)
    return folded if folded.isascii() else base + "\x00" + folded
