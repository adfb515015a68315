"""Every export file a test reads is read twice: as a stream (export_read, what import, merge and
read_export use) and parsed whole (parse_export of its bytes: the full parse, one chunk), and the
two must give the same result: the same dict, or the same refusal word for word. tests/conftest.py
installs it for every test (issue 16: the streamed reader against the full parse on every exchange
test file); files over FULL_PARSE_UP_TO are left to the streamed reader alone."""

from __future__ import annotations

import copy
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
    chunks = export.columned()

    def checked_chunks():
        got = []
        try:
            for chunk, columns in chunks:
                got += chunk
                yield chunk, columns
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


# -- the merge's check of the merged file (merge._check_kept) ---------------------------------------

KEPT_PASS = None  # the real chunk_check.kept_pass, set by tests/conftest.py


def kept_and_compare(check, kept, decoded):
    """merge's quick check of the kept annotations (chunk_check.kept_pass), and beside it the full
    check of the same lines decoded (ExportCheck.annotations) on a copy of the check: where the
    quick one passes, the full one must pass with the same state (count, the annotations the
    decisions name, the first orphan of the gold layer); where it does not, nothing has changed."""
    twin = copy.copy(check)
    twin.seen, twin.found = dict(check.seen), dict(check.found)
    try:
        twin.annotations([decoded(line) for _, _, line in kept])
        full = ("passed", twin.count, twin.found, twin.orphan)
    except ExchangeError as exc:
        full = ("refused", str(exc))
    before = (check.count, dict(check.found), check.orphan)
    quick = KEPT_PASS(check, kept, decoded)
    if quick:
        assert full == ("passed", check.count, check.found, check.orphan), f"quick check passed, full: {full!r:.300}"
    else:
        assert (check.count, check.found, check.orphan) == before
    kept_compared.append(full[0])
    return quick


kept_compared: list[str] = []  # what the full check said each time, for the tests of this hook
