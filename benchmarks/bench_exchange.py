"""Benchmark: `annotator export`, `annotator import-annotations` and `annotator merge` at team scale.

Builds (not timed) a project of 1,000 documents of about 5,000 characters with 100,000 annotations
by 3 annotators (default Claims categories, random valid spans of 1-300 characters, many
overlapping, a note on about 10%), and 5 coder exports of 20,000 annotations each that share the
same documents and categories (as a team's files would). Then, for each of --runs runs, times the
real CLI commands as subprocesses (`python -m annotator ...`) and reads each one's peak memory
(the process's own maximum resident set size, VmHWM, read as it exits):

  export   `annotator export PROJECT -o FILE`                 100,000 annotations   target 2 s
  import   `annotator import-annotations EMPTY FILE`           that file, into a fresh
           (EMPTY made with `annotator init --empty`, not timed)  empty project      target 5 s
  merge    `annotator merge F1 ... F5 -o TEAM`                  5 x 20,000           target 3 s
  peak memory of each command                                                       target 500 MB

Prints each run (seconds, peak MB), the medians, the targets and median/target, and exits non-zero
when a command fails or a result is wrong: the export must hold 100,000 annotations on 1,000
documents and be byte-identical in every run, the imported project must hold 100,000 annotations,
the merged file 100,000 annotations by 5 annotators. With --profile, every command whose median
time misses its target is run once more in-process under cProfile (top 15 by cumulative time).

The text is built (workload.py) from the sentences of the sample articles in ../shared/corpus/*.txt
when that folder exists (read only, never copied into the repository), else from synthetic words,
with an emoji now and then. ANNOTATOR_HOME points at a temporary folder, so nothing is written to
the user's folders.

Run:  .venv/bin/python benchmarks/bench_exchange.py [--runs 3] [--keep] [--seed 1] [--profile]
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import hashlib
import io
import json
import pstats
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass

import workload

TARGETS_S = {"export": 2.0, "import": 5.0, "merge": 3.0}
TARGET_MB = 500.0  # peak resident memory of each command, MB of 10^6 bytes
DOCUMENTS = 1000
DOC_CHARS = 5000
ANNOTATIONS = 100_000
ANNOTATORS = 3
CODERS = 5
PER_CODER = 20_000
NOTE = "note {} — checked 🔎"  # the note on about 10% of the spans, with the span's index


def with_emoji(sentence: str, rng: random.Random) -> str:
    """The sentence, with an emoji after it in about 2% of cases."""
    return sentence + (" " + rng.choice(workload.EMOJI) if rng.random() < 0.02 else "")


def make_texts(rng: random.Random) -> list[str]:
    """DOCUMENTS distinct texts of about DOC_CHARS characters, in paragraphs, an emoji now and then."""
    sentences = workload.load_sentences(rng)
    texts = []
    for i in range(DOCUMENTS):
        header = f"Document {i + 1:04d} — {rng.choice(sentences)[:80]}\n\n"
        texts.append(workload.paragraphs(rng, sentences, header, DOC_CHARS, with_emoji)[:DOC_CHARS].rstrip())
    return texts


def add_spans(project, documents, categories, annotators, spans) -> None:
    """Add the spans (indexes into documents, categories and annotators) in one add_annotations call."""
    project.add_annotations(
        {"document_id": documents[d].id, "category_id": categories[c], "annotator_id": annotators[a].id,
         "start": start, "end": end, "note": note}
        for d, c, a, start, end, note in spans
    )


@dataclass
class Measured:
    seconds: float
    peak_mb: float  # the child's maximum resident set size
    returncode: int
    stdout: str
    stderr: str
    cpu_seconds: float = 0.0  # the child's CPU time (user and system): on a shared machine, what load adds least to


# Runs the CLI and, as the process exits, writes its own peak RSS (VmHWM, in kB) to a file.
# Not os.wait4's ru_maxrss: Linux folds the forked parent's high-water mark into the child's at
# exec, so every child would report at least this (large) benchmark process's own peak.
_WRAPPER = (
    "import atexit, sys\n"
    "def _peak():\n"
    "    for line in open('/proc/self/status'):\n"
    "        if line.startswith('VmHWM:'):\n"
    "            open(sys.argv[1], 'w').write(line.split()[1])\n"
    "atexit.register(_peak)\n"
    "from annotator.__main__ import main\n"
    "sys.exit(main(sys.argv[2:]))\n"
)


def run_measured(*args: str, env: dict) -> Measured:
    """Run `annotator ARGS` in a new process; wall time and that process's own peak RSS."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("r", suffix=".peak") as peak:
        started, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
        proc = subprocess.run([sys.executable, "-c", _WRAPPER, peak.name, *args], env=env, stdout=out, stderr=err)
        seconds, after = time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN)
        out.seek(0)
        err.seek(0)
        peak_kb = int(peak.read() or 0)
        return Measured(seconds, peak_kb * 1024 / 1e6, proc.returncode,
                        out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"),
                        after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)


def profile(label: str, argv: list[str]) -> None:
    """Run the CLI in this process under cProfile; print the top 15 by cumulative time."""
    from annotator.cli import main as cli_main

    profiler = cProfile.Profile()
    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):  # the command's own report line
        profiler.enable()
        status = cli_main(argv)
        profiler.disable()
    print(f"\nprofile of {label}, in-process (annotator {argv[0]} …): "
          f"{time.perf_counter() - started:.2f} s, exit {status}; top 15 by cumulative time")
    pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(15)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--profile", action="store_true",
                        help="afterwards, profile in-process every command whose median misses its time target")
    args = parser.parse_args()

    with workload.temporary_home("annotator-bench-exchange-", args.keep) as (tmp, env):
        from annotator.core.exchange.apply import import_annotations
        from annotator.core.exchange.export_file import Scope, write_export  # after ANNOTATOR_HOME is set
        from annotator.core.project.project import NewDocument, Project
        from annotator.core.schema.templates import create_project

        # -- workload (not timed) --------------------------------------------------------------
        started = time.perf_counter()
        rng = random.Random(args.seed)
        texts = make_texts(rng)
        source = tmp / "source.annotator"
        with create_project(source) as project:
            added = project.add_documents(NewDocument(f"doc {i + 1:04d}", t) for i, t in enumerate(texts))
            documents = [a.document for a in added]
            categories = [c.id for c in project.categories()]
            annotators = [project.add_annotator(f"coder {k + 1}") for k in range(ANNOTATORS)]
            lengths = [d.length for d in documents]
            add_spans(project, documents, categories, annotators,
                      workload.make_spans(rng, lengths, len(categories), ANNOTATIONS, ANNOTATORS, NOTE))
            counts = project.counts()
            # The shared starting point of a team: documents and categories, no annotations.
            shared = tmp / "shared.json"
            write_export(project, shared, Scope(annotators=frozenset()))
        print(f"project: {counts.documents:,} documents of ~{DOC_CHARS:,} characters "
              f"({sum(lengths):,} in all), {counts.categories} categories, {counts.annotators} annotators, "
              f"{counts.annotations:,} annotations (text from {workload.text_source()}); "
              f"built in {time.perf_counter() - started:.1f} s")

        started = time.perf_counter()
        coder_files = []
        for k in range(CODERS):
            path = tmp / f"member{k + 1}.annotator"
            with create_project(path) as project:  # a member's own project, as `annotator init` makes it
                import_annotations(project, [shared])  # same document and category ids as everyone
                coder = project.add_annotator(f"member {k + 1}")
                by_id = {d.id: d for d in project.documents()}
                mine = [by_id[d.id] for d in documents]
                add_spans(project, mine, categories, [coder],
                          workload.make_spans(rng, lengths, len(categories), PER_CODER, 1, NOTE))
                coder_files.append(tmp / f"member{k + 1}.json")
                write_export(project, coder_files[-1])
        merge_mb = sum(p.stat().st_size for p in coder_files) / 1e6
        print(f"merge input: {CODERS} files of {PER_CODER:,} annotations, one annotator each, the same "
              f"{DOCUMENTS:,} documents, {merge_mb:.1f} MB in all; built in {time.perf_counter() - started:.1f} s")

        # -- runs ------------------------------------------------------------------------------
        results: dict[str, list[Measured]] = {k: [] for k in TARGETS_S}
        failures: list[str] = []
        export_file, team_file = tmp / "export.json", tmp / "team.json"
        export_digest, export_mb = None, 0.0

        def check(ok: bool, what: str, result: Measured | None = None) -> None:
            if not ok:
                detail = f"; stderr: {result.stderr.strip()[:500]}" if result and result.stderr.strip() else ""
                failures.append(what)
                print(f"  CHECK FAILED: {what}{detail}", file=sys.stderr)

        for run in range(1, args.runs + 1):
            print(f"run {run}:")
            r = run_measured("export", str(source), "-o", str(export_file), env=env)
            results["export"].append(r)
            raw = export_file.read_bytes() if export_file.exists() else b""
            export_mb = len(raw) / 1e6
            digest = hashlib.sha256(raw).hexdigest()
            if export_digest is None:
                data = json.loads(raw) if raw else {}
                n_ann, n_doc = len(data.get("annotations", [])), len(data.get("documents", []))
                del data
                check(n_ann == ANNOTATIONS and n_doc == DOCUMENTS,
                      f"export holds {n_ann:,} annotations on {n_doc:,} documents, expected "
                      f"{ANNOTATIONS:,} on {DOCUMENTS:,}")
                export_digest = digest
            else:
                check(digest == export_digest, f"run {run}: export differs from run 1's (not deterministic)")
            del raw
            print(f"  export  {r.seconds:6.2f} s  peak {r.peak_mb:6.1f} MB  exit {r.returncode}, "
                  f"{export_mb:.1f} MB written")
            check(r.returncode == 0, f"run {run}: export exited {r.returncode}", r)

            empty = tmp / f"import{run}.annotator"
            init = workload.run_cli("init", "--empty", str(empty), env=env)
            check(init.returncode == 0, f"annotator init --empty failed: {init.stderr.strip()}")
            r = run_measured("import-annotations", str(empty), str(export_file), env=env)
            results["import"].append(r)
            with Project.open(empty) as project:
                imported = project.counts()
            print(f"  import  {r.seconds:6.2f} s  peak {r.peak_mb:6.1f} MB  exit {r.returncode}, "
                  f"{imported.annotations:,} annotations, {imported.documents:,} documents in the project")
            check(r.returncode == 0, f"run {run}: import-annotations exited {r.returncode}", r)
            check(imported.annotations == ANNOTATIONS and imported.documents == DOCUMENTS,
                  f"run {run}: imported project holds {imported.annotations:,} annotations on "
                  f"{imported.documents:,} documents, expected {ANNOTATIONS:,} on {DOCUMENTS:,}")
            if not args.keep:
                empty.unlink(missing_ok=True)

            team_file.unlink(missing_ok=True)
            r = run_measured("merge", *map(str, coder_files), "-o", str(team_file), env=env)
            results["merge"].append(r)
            merged = json.loads(team_file.read_bytes()) if team_file.exists() else {}
            n_ann, n_coders = len(merged.get("annotations", [])), len(merged.get("annotators", []))
            n_doc = len(merged.get("documents", []))
            del merged
            print(f"  merge   {r.seconds:6.2f} s  peak {r.peak_mb:6.1f} MB  exit {r.returncode}, "
                  f"{n_ann:,} annotations by {n_coders} annotators on {n_doc:,} documents")
            check(r.returncode == 0, f"run {run}: merge exited {r.returncode}", r)
            check(n_ann == CODERS * PER_CODER and n_coders == CODERS and n_doc == DOCUMENTS,
                  f"run {run}: merged file holds {n_ann:,} annotations by {n_coders} annotators on {n_doc:,} "
                  f"documents, expected {CODERS * PER_CODER:,} by {CODERS} on {DOCUMENTS:,}")

        # -- summary ---------------------------------------------------------------------------
        what = {
            "export": f"{ANNOTATIONS:,} annotations on {DOCUMENTS:,} documents, {export_mb:.1f} MB file",
            "import": f"{ANNOTATIONS:,} annotations into an empty project",
            "merge": f"{CODERS} files x {PER_CODER:,} annotations",
        }
        missed = []
        print(f"medians over {args.runs} run(s); targets {', '.join(f'{k} {v:.0f} s' for k, v in TARGETS_S.items())}, "
              f"peak memory {TARGET_MB:.0f} MB each")
        summary = []
        for name, target in TARGETS_S.items():
            seconds = statistics.median(r.seconds for r in results[name])
            peak = statistics.median(r.peak_mb for r in results[name])
            if seconds > target:
                missed.append(name)
            met = "met" if seconds <= target and peak <= TARGET_MB else "MISSED"
            print(f"  {name:7} median {seconds:.2f} s (runs {', '.join(f'{r.seconds:.2f}' for r in results[name])}), "
                  f"ratio {seconds / target:.2f}; peak {peak:.0f} MB "
                  f"(max {max(r.peak_mb for r in results[name]):.0f}), ratio {peak / TARGET_MB:.2f} — {met}")
            summary.append(f"{name}: median {seconds:.2f} s, peak {peak:.0f} MB for {what[name]} "
                           f"(target {target:.0f} s, ratio {seconds / target:.2f}; "
                           f"memory target {TARGET_MB:.0f} MB, ratio {peak / TARGET_MB:.2f})")

        if args.profile:
            for name in missed:
                if name == "export":
                    profile(name, ["export", str(source), "-o", str(tmp / "profile-export.json")])
                elif name == "import":
                    empty = tmp / "profile-import.annotator"
                    create_project(empty, template=None).close()  # what `annotator init --empty` makes
                    profile(name, ["import-annotations", str(empty), str(export_file)])
                else:
                    profile(name, ["merge", *map(str, coder_files), "-o", str(tmp / "profile-team.json")])
            if not missed:
                print("--profile: every median meets its time target; nothing profiled")

        for line in summary:
            print(line)
        if failures:
            print(f"{len(failures)} check(s) failed", file=sys.stderr)
        return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
