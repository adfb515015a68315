"""REFI-QDA projects (.qdpx): a zip of ``project.qde`` (QDA-XML) and its ``sources/``.

``positions`` converts between Annotator's offsets (code points over the normalised text) and the
ways tools count text-selection positions in a source file.
"""
