"""Thin Qt item models: they hold rows fetched from the core and are handed new ones on refresh.

rows.py: the item-data roles every model answers and the base of the flat table models.
document_table_model.py: the project's documents (the corpus panel).
annotation_table_model.py: annotation rows and their filter proxy (the annotation table panel).
"""
