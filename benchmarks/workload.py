"""What the benchmark scripts share: the text they generate, the random spans, the temporary home.

The text comes from the sample articles in ../shared/corpus/*.txt, found at
`Path(__file__).resolve().parents[2] / "shared" / "corpus"`. They are only read, never copied into
the repository. When that folder is missing (or holds too little), synthetic words are used instead.
Everything random takes a `random.Random` from the caller, so a fixed seed gives the same workload.

The scripts are run as `python benchmarks/bench_x.py`, so Python finds this module next to them
with a plain `import workload`; benchmarks/ is not a package.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
EMOJI = ["🙂", "📚", "✅", "🌍", "🔥", "🤔"]
SYLLABLES = ["ka", "lo", "mi", "ter", "san", "du", "vel", "or", "pre", "ti", "na", "gru", "es", "bo"]


def corpus_texts() -> list[str]:
    """The text of each sample article, in file-name order; an empty list when the folder is missing."""
    if not CORPUS.is_dir():
        return []
    return [path.read_text(encoding="utf-8", errors="replace") for path in sorted(CORPUS.glob("*.txt"))]


def text_source() -> str:
    """Where the text comes from, for the scripts' report lines."""
    return "corpus " + str(CORPUS) if CORPUS.is_dir() else "synthetic words"


def synthetic_words(rng: random.Random, syllables: list[str] = SYLLABLES) -> list[str]:
    """3,000 made-up words of 1 to 4 syllables each."""
    return ["".join(rng.choices(syllables, k=rng.randint(1, 4))) for _ in range(3000)]


def load_sentences(rng: random.Random) -> list[str]:
    """The corpus sentences of 20 to 400 characters, or 5,000 synthetic ones when there are fewer than 50."""
    sentences = []
    for text in corpus_texts():
        sentences += [s.strip() for s in re.split(r"(?<=[.!?…])\s+", text) if 20 <= len(s.strip()) <= 400]
    if len(sentences) < 50:
        words = synthetic_words(rng)
        sentences = [" ".join(rng.choices(words, k=rng.randint(6, 30))).capitalize() + "." for _ in range(5000)]
    return sentences


def load_words(rng: random.Random, syllables: list[str] = SYLLABLES) -> list[str]:
    """Every word of the corpus in order (split at white space), or synthetic words when there are 1,000 or fewer."""
    found = [word for text in corpus_texts() for word in re.findall(r"\S+", text)]
    if len(found) > 1000:
        return found
    return synthetic_words(rng, syllables)


def paragraphs(rng: random.Random, sentences: list[str], header: str, size: int,
               dress: Callable[[str, random.Random], str], newline: str = "\n",
               measure: Callable[[str], int] = len) -> str:
    """`header`, then paragraphs of 2 to 8 random sentences until `measure` of the whole reaches `size`.

    Each sentence goes through `dress(sentence, rng)`; paragraphs end with two `newline`s. The result
    is usually a little longer than `size`: the caller cuts it.
    """
    parts = [header]
    total = measure(header)
    while total < size:
        piece = " ".join(dress(s, rng) for s in rng.sample(sentences, rng.randint(2, 8))) + newline * 2
        parts.append(piece)
        total += measure(piece)
    return "".join(parts)


def make_spans(rng: random.Random, lengths: list[int], n_categories: int, count: int,
               n_annotators: int | None = None, note: str = "note {}") -> list[tuple]:
    """`count` random valid spans: (document, category, annotator, start, end, note), all but the
    offsets being indexes.

    `lengths` are the documents' lengths in characters. Spans are 1 to 300 characters long; about 30%
    start within 20 characters of one of the last 50 spans (in that span's document), so many overlap.
    About 10% have a note, `note` formatted with the span's index. The annotator index is drawn from
    range(n_annotators); with n_annotators None, none is drawn and it is 0.
    """
    spans: list[tuple] = []
    for _ in range(count):
        doc = rng.randrange(len(lengths))
        if spans and rng.random() < 0.3:  # overlap an earlier span
            doc, _, _, start, _, _ = spans[-rng.randint(1, min(len(spans), 50))]
            start = max(0, start + rng.randint(-20, 20))
        else:
            start = rng.randrange(lengths[doc] - 1)
        end = min(lengths[doc], start + rng.randint(1, 300))
        start = min(start, end - 1)
        text = note.format(len(spans)) if rng.random() < 0.1 else ""
        category = rng.randrange(n_categories)
        annotator = 0 if n_annotators is None else rng.randrange(n_annotators)
        spans.append((doc, category, annotator, start, end, text))
    return spans


def run_cli(*args: str, env: dict) -> subprocess.CompletedProcess:
    """Run `python -m annotator ARGS` in a new process with the environment `env`; output is captured."""
    return subprocess.run([sys.executable, "-m", "annotator", *args], env=env, capture_output=True, text=True)


def timed_import(project: Path, source: Path, env: dict, *init: str) -> tuple[float, subprocess.CompletedProcess]:
    """`annotator init PROJECT INIT...` (not timed; SystemExit when it fails), then `annotator import
    PROJECT SOURCE` timed: (seconds, its result)."""
    made = run_cli("init", str(project), *init, env=env)
    if made.returncode:
        raise SystemExit(f"annotator init failed: {made.stderr.strip()}")
    started = time.perf_counter()
    result = run_cli("import", str(project), str(source), env=env)
    return time.perf_counter() - started, result


@contextlib.contextmanager
def temporary_home(prefix: str, keep: bool) -> Iterator[tuple[Path, dict]]:
    """A new temporary folder, with ANNOTATOR_HOME set to its `home` subfolder; yields (folder, env).

    ANNOTATOR_HOME is set in this process (so import the project only inside the block) and in `env`,
    the environment for subprocesses. At the end the folder is removed, or with `keep` its path is printed.
    """
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    env = dict(os.environ, ANNOTATOR_HOME=str(tmp / "home"))
    os.environ["ANNOTATOR_HOME"] = env["ANNOTATOR_HOME"]
    try:
        yield tmp, env
    finally:
        if keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def median_time(function: Callable[[], object], runs: int) -> tuple[float, object]:
    """The median of `runs` timings of `function()` (seconds), and its last result."""
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def load() -> str:
    """The load average (1, 5, 15 minutes), printed beside figures measured on a shared machine."""
    return "load " + " ".join(f"{x:.2f}" for x in os.getloadavg())
