"""Benchmark: `annotator import PROJECT FOLDER` on a folder of 1,000 .txt files (50 MB).

Generates --count documents totalling --size-mb MB of UTF-8 (50,000,000 bytes by default, files of
roughly 10-90 KB) in a temporary folder, then for each of --runs runs creates a fresh project with
`annotator init` (not timed) and times the real CLI command as a subprocess
(`python -m annotator import PROJECT FOLDER`). Prints each run, the median, MB/s, the target
(10 s) and median/target, and exits non-zero when a project does not hold exactly --count documents.

The text is built (workload.py) from the sentences of the sample articles in ../shared/corpus/*.txt
when that folder exists (read only, never copied into the repository), else from synthetic words; it
has curly quotes, em dashes, no-break spaces, an emoji now and then, and some files use CRLF line ends.
ANNOTATOR_HOME points at the temporary folder, so nothing is written to the user's folders.

Run:  .venv/bin/python benchmarks/bench_import.py [--runs 3] [--count 1000] [--size-mb 50] [--keep]
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import time
from pathlib import Path

import workload

TARGET_S = 10.0


def decorate(sentence: str, rng: random.Random) -> str:
    """Typographic quotes, and now and then no-break spaces, an em dash, quotes around it or an emoji."""
    s = re.sub(r'"([^"]*)"', "“\\1”", sentence).replace("'", "’")
    if rng.random() < 0.3:
        s = re.sub(r"(\d) (\w)", "\\1\u00a0\\2", s)  # no-break space after numbers
    if rng.random() < 0.05:
        s = s.replace(", ", "\u00a0— ", 1)
    if rng.random() < 0.04:
        s = f"“{s}”"
    if rng.random() < 0.01:
        s += " " + rng.choice(workload.EMOJI)
    return s


def make_document(index: int, size: int, sentences: list[str], rng: random.Random) -> bytes:
    """One file of about `size` bytes: a numbered title line, then paragraphs; CRLF line ends in 20%."""
    newline = "\r\n" if rng.random() < 0.2 else "\n"
    header = f"Document {index:05d} — {rng.choice(sentences)[:80]}{newline}{newline}"
    text = workload.paragraphs(rng, sentences, header, size, decorate, newline,
                               measure=lambda piece: len(piece.encode("utf-8")))
    data = text.encode("utf-8")[:size]
    return data.decode("utf-8", errors="ignore").encode("utf-8")  # never cut a character in half


def generate(folder: Path, count: int, total_bytes: int, seed: int) -> int:
    """Write `count` files totalling about `total_bytes` bytes into `folder`; return the bytes written."""
    rng = random.Random(seed)
    sentences = workload.load_sentences(rng)
    weights = [rng.uniform(10, 90) for _ in range(count)]
    scale = total_bytes / sum(weights)
    written = 0
    for i, weight in enumerate(weights, start=1):
        data = make_document(i, round(weight * scale), sentences, rng)
        (folder / f"doc-{i:05d}.txt").write_bytes(data)
        written += len(data)
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--count", type=int, default=1000, help="number of documents (default 1000)")
    parser.add_argument("--size-mb", type=float, default=50.0, help="total size in MB of 10^6 bytes (default 50)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()

    with workload.temporary_home("annotator-bench-import-", args.keep) as (tmp, env):
        from annotator.core.project.project import Project  # after ANNOTATOR_HOME is set

        folder = tmp / "corpus"
        folder.mkdir()
        started = time.perf_counter()
        written = generate(folder, args.count, round(args.size_mb * 1_000_000), args.seed)
        mb = written / 1_000_000
        print(f"generated {args.count} files, {written:,} bytes ({mb:.2f} MB) in {time.perf_counter() - started:.1f} s"
              f" (text from {workload.text_source()})")
        times, failed = [], False
        for run in range(1, args.runs + 1):
            project = tmp / f"run{run}.annotator"
            init = workload.run_cli("init", str(project), env=env)
            if init.returncode:
                print(f"annotator init failed: {init.stderr.strip()}", file=sys.stderr)
                return 1
            started = time.perf_counter()
            result = workload.run_cli("import", str(project), str(folder), env=env)
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


if __name__ == "__main__":
    sys.exit(main())
