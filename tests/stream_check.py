"""Every export file a test reads is read twice: as a stream (export_read, what import, merge and
read_export use) and parsed whole (parse_export of its bytes: the full parse, one chunk), and the
two must give the same result: the same dict, or the same refusal word for word. tests/conftest.py
installs it for every test (issue 16: the streamed reader against the full parse on every exchange
test file); files over FULL_PARSE_UP_TO are left to the streamed reader alone."""

from __future__ import annotations

from pathlib import Path

from annotator.core.errors import ExchangeError
from annotator.core.exchange import export_read
from annotator.core.exchange.json_stream import StreamError

FULL_PARSE_UP_TO = 16 * 1024 * 1024
# Word for word: the test files of tests/core and tests/cli. The fault suite's fuzz mutates files
# into ones with several faults at once, and the streamed reader checks the head before the
# annotations, so it may name another of the faults first: there both must refuse (or read the same).
WORD_FOR_WORD = True
READ = export_read._read  # the real one
compared: list[str] = []  # the names of the files compared, for test_exchange_stream


def full(name: str):
    try:
        return "read", export_read.parse_export(Path(name).read_bytes(), name)
    except ExchangeError as exc:
        return "refused", str(exc)


def read_and_compare(stream, name: str, spool):
    path = Path(name)
    if not path.is_file() or path.stat().st_size > FULL_PARSE_UP_TO:
        return READ(stream, name, spool)
    expected = full(name)
    try:
        export = READ(stream, name, spool)
    except (ExchangeError, StreamError) as exc:
        _same(expected, ("refused", str(exc) if isinstance(exc, ExchangeError) else f"{name}: {exc}"), name)
        raise
    chunks = export.chunks()

    def checked_chunks():
        got = []
        try:
            for chunk in chunks:
                got += chunk
                yield chunk
        except (ExchangeError, StreamError) as exc:
            _same(expected, ("refused", str(exc) if isinstance(exc, ExchangeError) else f"{name}: {exc}"), name)
            raise
        _same(expected, ("read", dict(export.head, annotations=got)), name)

    return export_read.StreamedExport(export.name, export.head, checked_chunks())


def _same(expected, got, name: str) -> None:
    if not WORD_FOR_WORD and got[0] == expected[0] == "refused":
        compared.append(name)
        return
    assert got == expected, f"{name}: the streamed reader and the full parse differ: {got!r:.300} != {expected!r:.300}"
    compared.append(name)
