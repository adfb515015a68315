"""The fault suite: SIGKILLs at random moments, a mutation fuzz of every reader, the hostile
files of issue 10 and concurrent writers (docs/reliability.md says what each proves).

``ANNOTATOR_FUZZ_SECONDS`` (default 4) is the time budget of each fuzz target and
``ANNOTATOR_FUZZ_SEED`` (default 10) its seed; ``ANNOTATOR_KILLS`` (default 12) the number of kills
per scenario. Raise them for a longer run: `ANNOTATOR_FUZZ_SECONDS=120 bash .ci/run tests/fault`."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))  # faultlib, for the test modules beside it
