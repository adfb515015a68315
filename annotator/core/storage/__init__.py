"""Storage: the SQLite engine and its open modes, the tables, migrations and backups.

Only this package and annotator.core.project open a database session.
"""
