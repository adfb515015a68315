"""Office files: .docx (paragraphs and table rows) and .pdf (the text layer), with their limits."""

from __future__ import annotations

import io
import logging
import zipfile

from annotator.core.documents.readers.common import short_error
from annotator.core.errors import ReadError
from annotator.core.files import MiB

MAX_DOCX_XML_BYTES = 128 * MiB  # its word/document.xml, decompressed
MAX_DOCX_PARAGRAPHS = 200_000  # <w:p> elements (a 1,000-page book has about 15,000)
MAX_DOCX_TAGS = 4_000_000  # XML tags of any kind in word/document.xml


def docx_text(data: bytes) -> str:
    """Paragraphs as lines and table rows as tab-separated lines, in document order."""
    import docx
    from docx.table import Table

    _check_docx_size(data)
    try:
        document = docx.Document(io.BytesIO(data))
        lines = []
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                lines.extend("\t".join(cell.text for cell in row.cells) for row in block.rows)
            else:
                lines.append(block.text)
    except Exception as error:  # BadZipFile, KeyError, lxml and python-docx errors
        reason = "not a zip archive" if type(error).__name__ == "BadZipFile" else short_error(error)
        raise ReadError(f"not a valid .docx file ({reason})") from None
    return "\n".join(lines)


def _check_docx_size(data: bytes) -> None:
    """Refuse a .docx whose word/document.xml would be too big to parse (checked on the zip's
    declared size, then on the bytes actually decompressed, read with a cap)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            try:
                info = archive.getinfo("word/document.xml")
            except KeyError:
                return  # python-docx explains what is missing
            if info.file_size > MAX_DOCX_XML_BYTES:
                raise ReadError(f"the .docx holds {info.file_size / MiB:.0f} MiB of document XML; "
                                f"up to {MAX_DOCX_XML_BYTES // MiB} MiB are read")
            with archive.open(info) as member:
                xml = member.read(MAX_DOCX_XML_BYTES + 1)
    except ReadError:
        raise
    except Exception:  # a damaged archive (BadZipFile, zlib.error, EOFError, ...): python-docx gives the reason
        return
    if len(xml) > MAX_DOCX_XML_BYTES:
        raise ReadError(f"the .docx holds more than {MAX_DOCX_XML_BYTES // MiB} MiB of document XML")
    paragraphs = xml.count(b"<w:p>") + xml.count(b"<w:p ") + xml.count(b"<w:p/>")
    if paragraphs > MAX_DOCX_PARAGRAPHS:
        raise ReadError(f"the .docx has {paragraphs:,} paragraphs; up to {MAX_DOCX_PARAGRAPHS:,} are read")
    if xml.count(b"<") > MAX_DOCX_TAGS:
        raise ReadError(f"the .docx has more than {MAX_DOCX_TAGS:,} XML tags")


def pdf_text(data: bytes) -> str:
    """The text layer of every page, pages separated by a blank line."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError

    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.ERROR)  # damaged files make pypdf log many warnings
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                decrypted = reader.decrypt("")  # enough for owner-password-only files
            except DependencyError:
                raise ReadError(
                    "the PDF is AES-encrypted and reading it needs the Python package "
                    "'pycryptodome', which is not installed"
                ) from None
            except Exception:
                decrypted = 0
            if not decrypted:
                raise ReadError("the PDF is encrypted and needs a password")
        pages = [(page.extract_text() or "").rstrip() for page in reader.pages]
    except ReadError:
        raise
    except Exception as error:  # pypdf errors, and what damaged files make it raise
        raise ReadError(f"not a valid PDF ({short_error(error)})") from None
    finally:
        logger.setLevel(level)
    text = "\n\n".join(pages)
    if not text.strip():
        raise ReadError("the PDF has no text layer (a scanned image?); run OCR on it first")
    return text
