"""The adjudication window's keys, in one table: its shortcuts, the footer line and the docs'
list come from here. A category's own key (as in the workspace) changes the gold span's category;
where it is one of these keys, the category takes Shift with it."""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtGui import QKeySequence


class Key(NamedTuple):
    id: str  # the window's method ``key_<id>``
    keys: tuple[str, ...]
    footer: str  # "" for keys left out of the footer line
    about: str


KEYS: tuple[Key, ...] = (
    Key("next", ("N", "J", "Down"), "N/J next", "Go to the next open unit (round the end once)"),
    Key("previous", ("P", "K", "Up"), "P/K previous", "Go to the previous open unit"),
    Key("union", ("U",), "U union", "Take the union of the coders' spans, per category (merged)"),
    Key("intersection", ("I",), "I intersection", "Take what every coder marked (merged)"),
    Key("reject", ("R", "Delete"), "R reject", "Nothing belongs here: reject the unit"),
    Key("reopen", ("Backspace",), "Backspace reopen", "Undo the decisions on this unit, as a step of its own"),
    Key("start_left", ("Alt+Left",), "Alt+←/→ start", "Move the gold span's start one character left"),
    Key("start_right", ("Alt+Right",), "", "Move the gold span's start one character right"),
    Key("end_left", ("Alt+Shift+Left",), "Alt+Shift+←/→ end", "Move the gold span's end one character left"),
    Key("end_right", ("Alt+Shift+Right",), "", "Move the gold span's end one character right"),
    Key("next_gold", ("Tab",), "Tab next gold span", "The edit keys move the next gold span of the decision"),
    Key("reason", ("#", "Ctrl+Return"), "# reason", "Write a reason for the decision (Enter keeps it)"),
    Key("undo", ("Ctrl+Z",), "Ctrl+Z undo", "Undo the last step (a decision, an edit, a reason)"),
    Key("redo", ("Ctrl+Shift+Z",), "", "Redo the step undone last"),
)
TAKE = Key("take", tuple(str(n) for n in range(1, 10)), "1–9 take a coder's version",
           "Take coder k's spans as they are (accepted)")


def taken() -> set[str]:
    """The window's own keys, as portable text."""
    return {QKeySequence(k).toString() for key in (*KEYS, TAKE) for k in key.keys}


def category_keys(categories) -> dict[str, str]:
    """Category id → the key that gives the gold span that category here: its workspace key, or
    Shift with it where the window uses that key. Categories without a key are left out."""
    own = taken()
    keys = {}
    for category in categories:
        if not category.shortcut:
            continue
        key = QKeySequence(category.shortcut).toString()
        if key in own:
            key = QKeySequence(f"Shift+{key}").toString()
        if key not in own and key not in keys.values():
            keys[category.id] = key
    return keys


def footer(categories) -> str:
    """The line of keys under the lanes."""
    parts = [TAKE.footer, *(k.footer for k in KEYS if k.footer)]
    names = {c.id: c.name for c in categories}
    cats = " · ".join(f"{key} {names[c]}" for c, key in category_keys(categories).items())
    return " · ".join(parts) + (f"\nCategory of the gold span: {cats}" if cats else "")
