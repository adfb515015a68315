"""The coding guidelines page: escaping, tree order, colours, shortcuts, descriptions, attributes."""

from __future__ import annotations

from annotator.core.schema.guidelines import guidelines_html, tree_order


def test_text_is_escaped_everywhere(project):
    evil = project.add_category("<script>alert(1)</script>", colour="#123456", shortcut="<",
                                description="Use <b>bold</b> & \"quotes\"\n<script>x()</script>")
    project.add_category("child", parent_id=evil.id,
                         attributes=[{"name": "<i>", "type": "choice", "choices": ["<a>", "b&c"], "default": "<a>"}])
    page = guidelines_html("<Project & Co>", project.categories())
    assert "<script>" not in page and "<b>bold</b>" not in page and "<i>" not in page.split("<body>")[1]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Use &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quotes&quot;" in page
    assert "&lt;Project &amp; Co&gt;" in page
    assert "&lt;a&gt;, b&amp;c" in page
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page


def test_categories_come_in_tree_order_with_colours_and_keys(project):
    claims = [c.name for c in project.categories()]  # the default schema
    top = project.add_category("Zeta top", colour="#AbCdEf", shortcut="Ctrl+9")
    child_b = project.add_category("B child", parent_id=top.id)
    project.add_category("A child", parent_id=top.id)  # added later: after B by position
    project.add_category("Grandchild", parent_id=child_b.id, colour="#010203")
    page = guidelines_html("Claims study", project.categories())
    order = [page.index(f"■</span> {name}") for name in (*claims, "Zeta top", "B child", "Grandchild", "A child")]
    assert order == sorted(order)
    assert 'style="color: #abcdef"' in page and "#010203" in page
    assert '<span class="key">Ctrl+9</span>' in page
    assert "Under Zeta top › B child" in page
    for cat in project.categories():
        assert cat.colour in page


def test_tree_order_does_not_trust_the_input_order():
    rows = [dict(id="c", name="C", parent_id="a", position=0), dict(id="b", name="B", parent_id=None, position=1),
            dict(id="a", name="A", parent_id=None, position=0),
            dict(id="x", name="orphan", parent_id="gone", position=5)]
    assert [(c["id"], depth) for c, depth in tree_order(rows)] == [("a", 0), ("c", 1), ("b", 0), ("x", 0)]


def test_descriptions_keep_paragraphs_and_attributes_are_listed(project):
    project.add_category("Para", colour="#0072b2", description="First paragraph\nsame paragraph.\n\nSecond one.",
                         attributes=[{"name": "score", "type": "number", "min": 1, "max": 5, "default": 3},
                                     {"name": "sure", "type": "boolean", "default": True},
                                     {"name": "tags", "type": "multiple", "choices": ["x", "y"]}])
    page = guidelines_html("P", project.categories(), generated="2024-05-01")
    assert "<p>First paragraph<br>same paragraph.</p>\n<p>Second one.</p>" in page
    assert "<td>score</td><td>number</td><td>1 to 5</td><td>3</td>" in page
    assert "<td>sure</td><td>yes/no</td><td></td><td>yes</td>" in page
    assert "<td>tags</td><td>multiple choice</td><td>x, y</td><td></td>" in page
    assert "2024-05-01" in page and "@media print" in page


def test_an_empty_schema_and_a_bad_colour_still_make_a_page():
    assert "no categories yet" in guidelines_html("Empty", [])
    page = guidelines_html("X", [dict(id="a", name="A", colour="red;background:url(x)", parent_id=None)])
    assert "url(x)" not in page and "#888888" in page
