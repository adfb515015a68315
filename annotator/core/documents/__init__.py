"""Documents: reading files into texts (readers) and importing them into a project."""
