"""Exchange: the versioned export file, applying imports, offline merge and other tools' formats."""
