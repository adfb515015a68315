"""The project: the Project aggregate, its unit of work, undoable commands and change sets."""
