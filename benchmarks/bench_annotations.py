"""Benchmark: `Project.add_annotations` with 100,000 annotations in one call, and reading them back.

For each of --runs runs, creates a fresh project (default Claims categories) with 100 documents of
about 5,000 characters and one annotator (not timed), then times only the call
`project.add_annotations(rows)` for 100,000 random valid spans (random documents and categories,
spans of 1-300 characters, many overlapping, a note on some), and checks count_annotations()
afterwards. Prints each run, the median, the target (2 s) and median/target. The texts are made
of the words of ../shared/corpus/*.txt (read only), or synthetic words; see workload.py.

Also reported, without a target: reading one document's annotations back with
`project.annotations(document_id=...)`, timed per document over the 100 documents of the last run.
ANNOTATOR_HOME points at a temporary folder, so nothing is written to the user's folders.

Run:  .venv/bin/python benchmarks/bench_annotations.py [--runs 5] [--count 100000] [--keep]
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import time

import workload

TARGET_S = 2.0
DOCUMENTS = 100
DOC_CHARS = 5000


def make_texts(rng: random.Random) -> list[str]:
    """DOCUMENTS texts of DOC_CHARS characters: a numbered title, then runs of 8-30 random corpus words."""
    vocabulary = workload.load_words(rng, workload.SYLLABLES[:12])  # the 12 syllables this script always used
    texts = []
    for i in range(DOCUMENTS):
        text = f"Document {i + 1} — "
        while len(text) < DOC_CHARS:
            text += " ".join(rng.choices(vocabulary, k=rng.randint(8, 30))) + ".\n"
        texts.append(text[:DOC_CHARS].rstrip() or "x")
    return texts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--count", type=int, default=100_000, help="annotations per run (default 100000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()

    with workload.temporary_home("annotator-bench-annotations-", args.keep) as (tmp, _env):
        from annotator.core.project.project import NewDocument  # after ANNOTATOR_HOME is set
        from annotator.core.schema.templates import create_project

        rng = random.Random(args.seed)
        texts = make_texts(rng)
        times, failed, spans, project = [], False, None, None
        try:
            for run in range(1, args.runs + 1):
                if project is not None:
                    project.close()
                project = create_project(tmp / f"run{run}.annotator")
                added = project.add_documents(NewDocument(f"doc {i + 1}", t) for i, t in enumerate(texts))
                documents = [a.document for a in added]
                annotator = project.add_annotator("bench")
                categories = [c.id for c in project.categories()]
                if spans is None:
                    spans = workload.make_spans(rng, [d.length for d in documents], len(categories), args.count)
                    print(f"{len(documents)} documents of ~{DOC_CHARS} characters, {len(categories)} categories, "
                          f"{len(spans):,} annotations per run")
                rows = [
                    {"document_id": documents[d].id, "category_id": categories[c], "annotator_id": annotator.id,
                     "start": start, "end": end, "note": note}
                    for d, c, _, start, end, note in spans
                ]
                started = time.perf_counter()
                project.add_annotations(rows)
                seconds = time.perf_counter() - started
                stored = project.count_annotations()
                times.append(seconds)
                print(f"run {run}: {seconds:.2f} s  ({len(rows) / seconds:,.0f} annotations/s)  {stored:,} stored")
                if stored != len(rows):
                    failed = True
                    print(f"  expected {len(rows):,} annotations, the project holds {stored:,}", file=sys.stderr)
            reads = []
            for doc in documents:
                started = time.perf_counter()
                found = project.annotations(document_id=doc.id)
                reads.append(time.perf_counter() - started)
            median = statistics.median(times)
            print(f"median {median:.2f} s; target {TARGET_S:.0f} s, ratio {median / TARGET_S:.2f}")
            print(f"read back: project.annotations(document_id=...) median {statistics.median(reads) * 1000:.1f} ms "
                  f"per document (min {min(reads) * 1000:.1f}, max {max(reads) * 1000:.1f} ms, "
                  f"~{len(rows) // len(documents):,} annotations each, last document {len(found):,}; no target)")
            print(f"annotations: median {median:.2f} s for {len(rows):,} annotations on {len(documents)} documents "
                  f"(target {TARGET_S:.0f} s, ratio {median / TARGET_S:.2f}); peak RSS "
                  f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB (the rows built included)")
            return 1 if failed else 0
        finally:
            if project is not None:
                project.close()


if __name__ == "__main__":
    sys.exit(main())
