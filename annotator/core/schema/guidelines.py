"""Coding guidelines for coders: the schema's categories as one standalone, printable HTML page
(Help → Coding guidelines shows it; it can be saved and printed). Qt-free."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import Any

from annotator.core.schema.rules import ATTRIBUTE_TYPES, AttributeType, format_value

_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
_FALLBACK_COLOUR = "#888888"

_CSS = """
body { font-family: "Segoe UI", "Helvetica Neue", Arial, sans-serif; font-size: 11pt; line-height: 1.45;
       color: #1a1a1a; max-width: 46em; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 20pt; margin: 0 0 0.2em 0; }
p.meta { color: #555555; margin: 0 0 1.5em 0; }
div.category { margin: 0 0 1.2em 0; padding: 0 0 0.2em 0; border-bottom: 1px solid #dddddd; }
h2, h3, h4 { margin: 0.6em 0 0.3em 0; }
h2 { font-size: 15pt; } h3 { font-size: 13pt; } h4 { font-size: 11.5pt; }
span.swatch { font-size: 1.2em; }
span.key { font-family: monospace; font-size: 0.85em; font-weight: normal; border: 1px solid #999999;
           border-radius: 3px; padding: 0 4px; background-color: #f4f4f4; }
span.colour { font-family: monospace; font-size: 0.8em; color: #666666; font-weight: normal; }
p.path { color: #555555; font-size: 0.9em; margin: 0 0 0.4em 0; }
p.empty { color: #777777; font-style: italic; }
table.attributes { border-collapse: collapse; margin: 0.4em 0 0.6em 0; font-size: 0.95em; }
table.attributes th, table.attributes td { border: 1px solid #cccccc; padding: 3px 8px; text-align: left;
                                           vertical-align: top; }
table.attributes th { background-color: #f0f0f0; }
@media print {
  body { margin: 0; max-width: none; font-size: 10.5pt; }
  div.category { page-break-inside: avoid; break-inside: avoid; }
  span.swatch, span.key, table.attributes th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def _get(category: Any, key: str, default: Any = None) -> Any:
    if isinstance(category, dict):
        return category.get(key, default)
    return getattr(category, key, default)


def tree_order(categories: Iterable[Any]) -> list[tuple[Any, int]]:
    """``(category, depth)`` pairs, each parent followed by its children (by position, then name).
    Categories whose parent is missing are shown at the top level."""
    items = list(categories)
    ids = {_get(c, "id") for c in items}
    children: dict[Any, list[Any]] = {}
    for cat in items:
        parent = _get(cat, "parent_id")
        children.setdefault(parent if parent in ids else None, []).append(cat)
    for siblings in children.values():
        siblings.sort(key=lambda c: (_get(c, "position", 0) or 0, str(_get(c, "name", "")).casefold()))
    ordered: list[tuple[Any, int]] = []
    seen: set[Any] = set()

    def walk(parent: Any, depth: int) -> None:
        for cat in children.get(parent, []):
            if _get(cat, "id") in seen:  # a cycle cannot happen in a project, but never loop forever
                continue
            seen.add(_get(cat, "id"))
            ordered.append((cat, depth))
            walk(_get(cat, "id"), depth + 1)

    walk(None, 0)
    return ordered


def _paragraphs(text: str) -> str:
    blocks = [b.strip("\n") for b in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if b.strip()]
    return "".join(f"<p>{'<br>'.join(html.escape(line) for line in block.split(chr(10)))}</p>\n"
                   for block in blocks)


def _attributes_table(definitions: list[dict[str, Any]]) -> str:
    rows = []
    for d in definitions:
        kind = str(d.get("type", "text"))
        values = ""
        if d.get("choices"):
            values = format_value(list(d["choices"]))
        if d.get("min") is not None or d.get("max") is not None:
            low = "" if d.get("min") is None else format_value(d["min"])
            high = "" if d.get("max") is None else format_value(d["max"])
            values = f"{low} to {high}" if low and high else (f"at least {low}" if low else f"at most {high}")
        default = "" if d.get("default") in (None, "", []) else format_value(d["default"])
        type_name = AttributeType(kind).label.lower() if kind in ATTRIBUTE_TYPES else kind
        cells = (str(d.get("name", "")), type_name, values, default)
        rows.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
    return ("<table class=\"attributes\"><tr><th>Attribute</th><th>Type</th><th>Values</th><th>Default</th></tr>\n"
            + "\n".join(rows) + "</table>\n")


def guidelines_html(project_name: str, categories: Iterable[Any], generated: str | None = None) -> str:
    """A standalone HTML page (inline CSS, fit for printing) listing ``categories`` in tree order
    with colour, shortcut key, full description and attribute definitions. ``categories`` are
    Category rows or dicts with the same keys. Every piece of text is escaped."""
    ordered = tree_order(categories)
    names = {_get(c, "id"): str(_get(c, "name", "")) for c, _ in ordered}
    parents = {_get(c, "id"): _get(c, "parent_id") for c, _ in ordered}
    title = f"Coding guidelines — {project_name}" if project_name else "Coding guidelines"
    count = len(ordered)
    meta = f"{html.escape(project_name)} · {count} categor{'y' if count == 1 else 'ies'}"
    if generated:
        meta += f" · {html.escape(generated)}"
    out = [
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
        f"<title>{html.escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n",
        "<h1>Coding guidelines</h1>\n",
        f"<p class=\"meta\">{meta}</p>\n",
    ]
    if not ordered:
        out.append("<p class=\"empty\">This project has no categories yet.</p>\n")
    for cat, depth in ordered:
        colour = str(_get(cat, "colour", "") or "")
        colour = colour.lower() if _COLOUR.fullmatch(colour) else _FALLBACK_COLOUR
        heading = f"h{min(depth, 2) + 2}"
        indent = min(depth, 6) * 1.5
        shortcut = _get(cat, "shortcut")
        key = f" <span class=\"key\">{html.escape(shortcut)}</span>" if shortcut else ""
        out.append(f"<div class=\"category\" style=\"margin-left: {indent:g}em\">\n"
                   f"<{heading}><span class=\"swatch\" style=\"color: {colour}\">■</span> "
                   f"{html.escape(str(_get(cat, 'name', '')))}{key} "
                   f"<span class=\"colour\">{colour}</span></{heading}>\n")
        path, parent = [], parents.get(_get(cat, "id"))
        while parent is not None and parent in names and len(path) < 50:
            path.insert(0, names[parent])
            parent = parents.get(parent)
        if path:
            out.append(f"<p class=\"path\">Under {html.escape(' › '.join(path))}</p>\n")
        description = str(_get(cat, "description", "") or "")
        out.append(_paragraphs(description) if description.strip() else "<p class=\"empty\">No guideline yet.</p>\n")
        definitions = [d for d in (_get(cat, "attributes") or []) if isinstance(d, dict)]
        if definitions:
            out.append(_attributes_table(definitions))
        out.append("</div>\n")
    out.append("</body>\n</html>\n")
    return "".join(out)
