"""The tag schema: category and attribute rules, templates, schema files and guidelines."""
