"""Annotator: annotate text corpora with categories, exchange exports, measure agreement."""

__version__ = "0.1.0"
