"""Benchmark: `annotator import PROJECT FOLDER` on a folder of 1,000 .txt files (50 MB).

Generates --count documents totalling --size-mb MB of UTF-8 (50,000,000 bytes by default, files of
roughly 10-90 KB) in a temporary folder, then for each of --runs runs creates a fresh project with
`annotator init` (not timed) and times the real CLI command as a subprocess
(`python -m annotator import PROJECT FOLDER`). Prints each run, the median, MB/s, the target
(10 s) and median/target, and exits non-zero when a project does not hold exactly --count documents.

The text is built from the sentences of the sample articles in ../shared/corpus/*.txt when that
folder exists (read only, never copied into the repository), else from synthetic words; it has curly
quotes, em dashes, no-break spaces, an emoji now and then, and some files use CRLF line ends.
ANNOTATOR_HOME points at the temporary folder, so nothing is written to the user's folders.

Run:  .venv/bin/python benchmarks/bench_import.py [--runs 3] [--count 1000] [--size-mb 50] [--keep]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_S = 10.0
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
EMOJI = ["🙂", "📚", "✅", "🌍", "🔥", "🤔"]


def load_sentences(rng: random.Random) -> list[str]:
    sentences = []
    if CORPUS.is_dir():
        for path in sorted(CORPUS.glob("*.txt")):
            text = path.read_text(encoding="utf-8", errors="replace")
            sentences += [s.strip() for s in re.split(r"(?<=[.!?…])\s+", text) if 20 <= len(s.strip()) <= 400]
    if len(sentences) < 50:  # no corpus: synthetic words
        syllables = ["ka", "lo", "mi", "ter", "san", "du", "vel", "or", "pre", "ti", "na", "gru", "es", "bo"]
        words = ["".join(rng.choices(syllables, k=rng.randint(1, 4))) for _ in range(3000)]
        sentences = [" ".join(rng.choices(words, k=rng.randint(6, 30))).capitalize() + "." for _ in range(5000)]
    return sentences


def decorate(sentence: str, rng: random.Random) -> str:
    s = re.sub(r'"([^"]*)"', "“\\1”", sentence).replace("'", "’")
    if rng.random() < 0.3:
        s = re.sub(r"(\d) (\w)", "\\1\u00a0\\2", s)  # no-break space after numbers
    if rng.random() < 0.05:
        s = s.replace(", ", "\u00a0— ", 1)
    if rng.random() < 0.04:
        s = f"“{s}”"
    if rng.random() < 0.01:
        s += " " + rng.choice(EMOJI)
    return s


def make_document(index: int, size: int, sentences: list[str], rng: random.Random) -> bytes:
    newline = "\r\n" if rng.random() < 0.2 else "\n"
    parts = [f"Document {index:05d} — {rng.choice(sentences)[:80]}{newline}{newline}"]
    total = len(parts[0].encode("utf-8"))
    while total < size:
        paragraph = " ".join(decorate(s, rng) for s in rng.sample(sentences, rng.randint(2, 8)))
        piece = paragraph + newline * 2
        parts.append(piece)
        total += len(piece.encode("utf-8"))
    data = "".join(parts).encode("utf-8")[:size]
    return data.decode("utf-8", errors="ignore").encode("utf-8")  # never cut a character in half


def generate(folder: Path, count: int, total_bytes: int, seed: int) -> int:
    rng = random.Random(seed)
    sentences = load_sentences(rng)
    weights = [rng.uniform(10, 90) for _ in range(count)]
    scale = total_bytes / sum(weights)
    written = 0
    for i, weight in enumerate(weights, start=1):
        data = make_document(i, round(weight * scale), sentences, rng)
        (folder / f"doc-{i:05d}.txt").write_bytes(data)
        written += len(data)
    return written


def run_cli(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "annotator", *args], env=env, capture_output=True, text=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--count", type=int, default=1000, help="number of documents (default 1000)")
    parser.add_argument("--size-mb", type=float, default=50.0, help="total size in MB of 10^6 bytes (default 50)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="annotator-bench-import-"))
    env = dict(os.environ, ANNOTATOR_HOME=str(tmp / "home"))
    os.environ["ANNOTATOR_HOME"] = env["ANNOTATOR_HOME"]  # before the project is imported below
    from annotator.core.project import Project

    try:
        folder = tmp / "corpus"
        folder.mkdir()
        started = time.perf_counter()
        written = generate(folder, args.count, round(args.size_mb * 1_000_000), args.seed)
        mb = written / 1_000_000
        print(f"generated {args.count} files, {written:,} bytes ({mb:.2f} MB) in {time.perf_counter() - started:.1f} s"
              f" (text from {'corpus ' + str(CORPUS) if CORPUS.is_dir() else 'synthetic words'})")
        times, failed = [], False
        for run in range(1, args.runs + 1):
            project = tmp / f"run{run}.annotator"
            init = run_cli("init", str(project), env=env)
            if init.returncode:
                print(f"annotator init failed: {init.stderr.strip()}", file=sys.stderr)
                return 1
            started = time.perf_counter()
            result = run_cli("import", str(project), str(folder), env=env)
            seconds = time.perf_counter() - started
            with Project.open(project) as p:
                documents = p.counts().documents
            times.append(seconds)
            print(f"run {run}: {seconds:.2f} s  ({mb / seconds:.1f} MB/s)  exit {result.returncode}, "
                  f"{documents} documents")
            if result.returncode or documents != args.count:
                failed = True
                print(f"  expected {args.count} documents and exit 0; stderr: {result.stderr.strip()[:500]}",
                      file=sys.stderr)
            if not args.keep:
                for path in tmp.glob(f"run{run}.annotator*"):
                    path.unlink()
        median = statistics.median(times)
        print(f"median {median:.2f} s, {mb / median:.1f} MB/s; target {TARGET_S:.0f} s, ratio {median / TARGET_S:.2f}")
        print(f"import: median {median:.2f} s for {args.count} documents / {mb:.1f} MB "
              f"(target {TARGET_S:.0f} s, ratio {median / TARGET_S:.2f})")
        return 1 if failed else 0
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
