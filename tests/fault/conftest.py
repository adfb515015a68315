"""The fault suite: SIGKILLs at random moments, a mutation fuzz of every reader, the hostile
files of issue 10 and concurrent writers (docs/reliability.md says what each proves).

``ANNOTATOR_FUZZ_SECONDS`` (default 4) is the time budget of each fuzz target and
``ANNOTATOR_FUZZ_SEED`` (default 10) its seed; ``ANNOTATOR_KILLS`` (default 12) the number of kills
per scenario. Raise them for a longer run: `ANNOTATOR_FUZZ_SECONDS=120 bash .ci/run tests/fault`."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # faultlib, for the test modules beside it


@pytest.fixture(autouse=True)
def refusals_need_not_match_word_for_word(monkeypatch):
    """A fuzzed file has several faults; the streamed reader may name another first (stream_check)."""
    from tests import stream_check

    monkeypatch.setattr(stream_check, "WORD_FOR_WORD", False)
