"""Benchmark: a team server (PostgreSQL) against a project file, for many coders at once and in bulk.

Starts its own throwaway PostgreSQL cluster (tests/pg/cluster.py, fsync on: ``durable=True``; as
root the server runs as the ``postgres`` user) and stops it at the end. Three measurements:

  latency  --clients coders (20), each its own process with its own ``Project.open(url)`` as its
           own database role (``annotator server setup`` / ``add-coder``), each adding one annotation
           a second for --seconds (60), at its own random phase within the second: median and p99
           of the ``add_annotation`` call (its write transaction and commit, then the row read back),
           errors. Target p99 <= 50 ms, errors 0. Then the same on one project file: the same number
           of processes on one SQLite file (one write lock, the busy timeout waits).
  import   `annotator import PROJECT FOLDER` of bench_import.py's 1,000 files (50 MB), run as the
           real CLI command, into a new project on the server and into a new file. Target: the
           server's median at most 2x the file's.
  export   `annotator export PROJECT -o FILE` of bench_exchange.py's project (100,000 annotations on
           1,000 documents, 3 coders), on a file and, copied there with `annotator copy`, on the
           server. Target: at most 2x the file's median; both exports must be byte-identical.

Prints each run, the medians, the ratios and one summary line per measurement (with the load
average), and exits non-zero when a check fails (an error in the latency run, a wrong count, exports
that differ). The CPU time printed for a CLI command is the client's own: the server's is not in it.

ANNOTATOR_HOME points at a temporary folder, so nothing is written to the user's folders.

Run:  .venv/bin/python benchmarks/bench_team_server.py [--seconds 60] [--clients 20] [--runs 3]
          [--only latency|import|export] [--seed 1] [--keep]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

import bench_exchange
import bench_import
import workload

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.pg.cluster, and this tree's annotator for the workers

P99_TARGET_MS = 50.0
RATIO_TARGET = 2.0
LATENCY_DOCUMENTS = 100
LATENCY_DOC_CHARS = 5000


def load() -> str:
    return "load " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def percentile(values: list[float], q: int) -> float:
    """The q-th percentile (1-99) of ``values``, statistics.quantiles, inclusive: never past the largest."""
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


# -- the latency clients --------------------------------------------------------------------------

def client(spec: dict) -> int:
    """One coder's process: open the project, add one annotation (not timed), say "ready", wait for
    the start time on stdin, then add one a second at its own phase; print the results as JSON."""
    from annotator.core.project.project import Project

    rng = random.Random(spec["seed"])
    documents, categories = spec["documents"], spec["categories"]

    def one(project) -> None:
        document_id, length = rng.choice(documents)
        start = rng.randrange(length - 1)
        end = min(length, start + rng.randint(1, 300))
        project.add_annotation(document_id, rng.choice(categories), spec["annotator"], start, end,
                               note="checked" if rng.random() < 0.1 else "")

    with Project.open(spec["url"]) as project:
        one(project)  # the first call compiles and caches statements: not timed
        print("ready", flush=True)
        began = float(sys.stdin.readline())
        phase = rng.random()
        latencies, errors, late = [], [], 0
        for k in range(spec["seconds"]):
            wait = began + phase + k - time.time()
            if wait > 0:
                time.sleep(wait)
            elif wait < -0.5:
                late += 1  # the previous call ran past this one's second
            started = time.perf_counter()
            try:
                one(project)
            except Exception as exc:  # counted and shown: the target is none
                errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:300] if str(exc) else ''}")
            else:
                latencies.append((time.perf_counter() - started) * 1000)
    print(json.dumps({"latencies": latencies, "errors": errors, "late": late}), flush=True)
    return 0


def run_clients(urls: list[str], annotators: list[str], documents, categories, seconds: int, seed: int,
                env: dict) -> tuple[list[float], list[str], int, float]:
    """Start one process per coder, wait until all are ready, start them together; (latencies in
    ms, errors, late calls, seconds the processes took to open and be ready)."""
    began = time.perf_counter()
    procs = []
    for i, (url, annotator) in enumerate(zip(urls, annotators, strict=True)):
        spec = {"url": url, "annotator": annotator, "documents": documents, "categories": categories,
                "seconds": seconds, "seed": seed * 1000 + i}
        procs.append(subprocess.Popen([sys.executable, __file__, "--client", json.dumps(spec)], env=env,
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True))
    try:
        for proc in procs:
            line = proc.stdout.readline().strip()
            if line != "ready":
                raise SystemExit(f"a client did not start (exit {proc.wait()}): {line}")
        ready = time.perf_counter() - began
        start_at = time.time() + 0.5
        for proc in procs:
            proc.stdin.write(f"{start_at}\n")
            proc.stdin.close()
        latencies, errors, late = [], [], 0
        for proc in procs:
            out = proc.stdout.read()  # only its last line, the results, is left to read
            proc.wait()
            result = json.loads(out.strip().splitlines()[-1]) if out.strip() else {"latencies": [], "errors": [],
                                                                                   "late": 0}
            latencies += result["latencies"]
            errors += result["errors"]
            late += result["late"]
            if proc.returncode:
                errors.append(f"a client exited {proc.returncode}")
        return latencies, errors, late, ready
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def latency_texts(rng: random.Random) -> list[str]:
    sentences = workload.load_sentences(rng)
    return [workload.paragraphs(rng, sentences, f"Document {i + 1:03d}\n\n", LATENCY_DOC_CHARS,
                                bench_exchange.with_emoji)[:LATENCY_DOC_CHARS].rstrip()
            for i in range(LATENCY_DOCUMENTS)]


def fill(project, texts: list[str]) -> tuple[list, list[str]]:
    from annotator.core.project.project import NewDocument

    added = project.add_documents(NewDocument(f"doc {i + 1:03d}", t) for i, t in enumerate(texts))
    documents = [(a.document.id, a.document.length) for a in added]
    return documents, [c.id for c in project.categories()]


def report_latency(label: str, latencies: list[float], errors: list[str], late: int, ready: float,
                   expected: int, stored: int, args, loads: tuple[str, str]) -> dict:
    median, p99 = statistics.median(latencies or [float("nan")]), percentile(latencies, 99)
    met = "met" if p99 <= P99_TARGET_MS and not errors else "MISSED"
    print(f"  {label}: {len(latencies):,} calls, {len(errors)} errors, {late} late; clients ready in {ready:.1f} s")
    print(f"    add_annotation median {median:.1f} ms, p90 {percentile(latencies, 90):.1f} ms, "
          f"p99 {p99:.1f} ms, max {max(latencies or [float('nan')]):.1f} ms; target p99 {P99_TARGET_MS:.0f} ms, "
          f"ratio {p99 / P99_TARGET_MS:.2f} — {met}; {loads[0]} before, {loads[1]} after")
    for message in sorted(set(errors))[:5]:
        print(f"    error ({errors.count(message)}x): {message}")
    print(f"    annotations stored {stored:,} (expected {expected:,})")
    return {"median": median, "p99": p99, "errors": len(errors), "ok": stored == expected,
            "summary": f"latency {label}: {args.clients} clients x 1 add_annotation/s x {args.seconds} s: "
                       f"median {median:.1f} ms, p99 {p99:.1f} ms (target {P99_TARGET_MS:.0f} ms, ratio "
                       f"{p99 / P99_TARGET_MS:.2f}), {len(errors)} errors; {loads[1]}"}


def measure_latency(cluster, admin, tmp: Path, env: dict, args) -> list[dict]:
    from annotator.core.project.project import Project
    from annotator.core.schema.templates import create_project
    from annotator.core.storage import server_roles

    texts = latency_texts(random.Random(args.seed))
    expected = args.clients * (args.seconds + 1)  # one untimed call each before the start
    results = []

    admin.execute("CREATE DATABASE bench_latency TEMPLATE template0 ENCODING 'UTF8'")
    owner_url = cluster.url("bench_latency")
    with create_project(owner_url) as project:
        documents, categories = fill(project, texts)
    roles = [f"bench_coder{i + 1:02d}" for i in range(args.clients)]
    with server_roles.transaction(owner_url) as conn:
        server_roles.setup(conn)
        coders = [server_roles.add_coder(conn, role, f"Coder {i + 1:02d}") for i, role in enumerate(roles)]
    print(f"latency: {args.clients} clients, each its own process and database role, 1 add_annotation/s "
          f"for {args.seconds} s; {LATENCY_DOCUMENTS} documents of ~{LATENCY_DOC_CHARS:,} characters")
    before = load()
    out = run_clients([cluster.url("bench_latency", user=c.role) for c in coders], [c.annotator_id for c in coders],
                      documents, categories, args.seconds, args.seed, env)
    after = load()
    with Project.open(owner_url) as project:
        stored = project.counts().annotations
    results.append(report_latency("server", *out, expected - len(out[1]), stored, args, (before, after)))

    path = tmp / "latency.annotator"
    with create_project(path) as project:
        documents, categories = fill(project, texts)
        annotators = [project.add_annotator(f"Coder {i + 1:02d}").id for i in range(args.clients)]
    before = load()
    out = run_clients([str(path)] * args.clients, annotators, documents, categories, args.seconds, args.seed, env)
    after = load()
    with Project.open(path) as project:
        stored = project.counts().annotations
    results.append(report_latency("file", *out, expected - len(out[1]), stored, args, (before, after)))
    return results


# -- import and export ----------------------------------------------------------------------------

def fresh_database(admin, name: str, cluster) -> str:
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.execute(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'")
    return cluster.url(name)


def compare(name: str, what: str, file_runs: list, server_runs: list, cpu: dict | None = None) -> dict:
    file_median, server_median = statistics.median(file_runs), statistics.median(server_runs)
    ratio = server_median / file_median
    met = "met" if ratio <= RATIO_TARGET else "MISSED"
    print(f"  {name} file   median {file_median:.2f} s (runs {', '.join(f'{s:.2f}' for s in file_runs)})")
    print(f"  {name} server median {server_median:.2f} s (runs {', '.join(f'{s:.2f}' for s in server_runs)})")
    extra = ""
    if cpu:
        extra = (f"; client CPU median file {statistics.median(cpu['file']):.2f} s, "
                 f"server {statistics.median(cpu['server']):.2f} s")
    print(f"  {name} ratio server/file {ratio:.2f} (target {RATIO_TARGET:.0f}) — {met}{extra}; {load()}")
    return {"ratio": ratio, "summary": f"{name}: {what}: server median {server_median:.2f} s, file "
                                       f"{file_median:.2f} s, ratio {ratio:.2f} (target {RATIO_TARGET:.0f}); {load()}"}


def measure_import(cluster, admin, tmp: Path, env: dict, args, failures: list[str]) -> dict:
    from annotator.core.project.project import Project

    folder = tmp / "corpus"
    folder.mkdir()
    written = bench_import.generate(folder, 1000, 50_000_000, args.seed)
    print(f"import: 1000 files, {written:,} bytes ({written / 1e6:.1f} MB), `annotator import` as a subprocess "
          f"(text from {workload.text_source()})")
    runs: dict[str, list[float]] = {"file": [], "server": []}
    for run in range(1, args.runs + 1):
        for engine in ("file", "server"):
            target = str(tmp / f"import{run}.annotator") if engine == "file" else \
                fresh_database(admin, f"bench_import{run}", cluster)
            seconds, result = workload.timed_import(target, folder, env)
            with Project.open(target) as project:
                documents = project.counts().documents
            runs[engine].append(seconds)
            print(f"  run {run} {engine:6} {seconds:6.2f} s  exit {result.returncode}, {documents} documents")
            if result.returncode or documents != 1000:
                failures.append(f"import run {run} on the {engine}: exit {result.returncode}, {documents} documents")
                print(f"    stderr: {result.stderr.strip()[:500]}", file=sys.stderr)
            if engine == "file" and not args.keep:
                for path in tmp.glob(f"import{run}.annotator*"):
                    path.unlink()
            elif engine == "server":
                admin.execute(f'DROP DATABASE "bench_import{run}" WITH (FORCE)')
    return compare("import", "1,000 documents / 50 MB", runs["file"], runs["server"])


def measure_export(cluster, admin, tmp: Path, env: dict, args, failures: list[str]) -> dict:
    from annotator.core.schema.templates import create_project

    started = time.perf_counter()
    rng = random.Random(args.seed)
    texts = bench_exchange.make_texts(rng)
    source = tmp / "export-source.annotator"
    with create_project(source) as project:
        documents, categories = fill(project, texts)
        annotators = [project.add_annotator(f"coder {k + 1}").id for k in range(bench_exchange.ANNOTATORS)]
        spans = workload.make_spans(rng, [length for _, length in documents], len(categories),
                                    bench_exchange.ANNOTATIONS, bench_exchange.ANNOTATORS, bench_exchange.NOTE)
        project.add_annotations({"document_id": documents[d][0], "category_id": categories[c],
                                 "annotator_id": annotators[a], "start": start, "end": end, "note": note}
                                for d, c, a, start, end, note in spans)
    url = fresh_database(admin, "bench_export", cluster)
    copied = workload.run_cli("copy", str(source), url, env=env)
    if copied.returncode:
        raise SystemExit(f"annotator copy failed: {copied.stderr.strip()}")
    print(f"export: {len(documents):,} documents, {len(spans):,} annotations by {len(annotators)} coders; "
          f"built and copied to the server in {time.perf_counter() - started:.1f} s")
    runs: dict[str, list[float]] = {"file": [], "server": []}
    cpu: dict[str, list[float]] = {"file": [], "server": []}
    digests = set()
    for run in range(1, args.runs + 1):
        for engine, project in (("file", str(source)), ("server", url)):
            out = tmp / f"export-{engine}.json"
            r = bench_exchange.run_measured("export", project, "-o", str(out), env=env)
            raw = out.read_bytes() if out.exists() else b""
            digests.add(hashlib.sha256(raw).hexdigest())
            runs[engine].append(r.seconds)
            cpu[engine].append(r.cpu_seconds)
            print(f"  run {run} {engine:6} {r.seconds:6.2f} s  CPU {r.cpu_seconds:5.2f} s  peak {r.peak_mb:6.1f} MB  "
                  f"exit {r.returncode}, {len(raw) / 1e6:.1f} MB written")
            if r.returncode:
                failures.append(f"export run {run} on the {engine}: exit {r.returncode}: {r.stderr.strip()[:300]}")
    if len(digests) != 1:
        failures.append(f"the exports differ ({len(digests)} different files over the runs and engines)")
        print("  CHECK FAILED: the exports of the file and of the server differ", file=sys.stderr)
    else:
        print("  every export byte-identical, file and server")
    return compare("export", "100,000 annotations on 1,000 documents", runs["file"], runs["server"], cpu)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60, help="how long the clients add annotations (default 60)")
    parser.add_argument("--clients", type=int, default=20, help="concurrent client processes (default 20)")
    parser.add_argument("--runs", type=int, default=3, help="runs of the import and of the export (default 3)")
    parser.add_argument("--only", choices=["latency", "import", "export"], help="only this measurement")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (not the cluster)")
    parser.add_argument("--client", help=argparse.SUPPRESS)  # a latency client's spec (JSON), internal
    args = parser.parse_args()
    if args.client:
        return client(json.loads(args.client))

    import psycopg

    from tests.pg.cluster import Cluster

    with workload.temporary_home("annotator-bench-team-", args.keep) as (tmp, env):
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        cluster = Cluster.start(durable=True)
        try:
            print(f"PostgreSQL {cluster.version}, throwaway cluster with fsync on, started in "
                  f"{cluster.started_seconds:.1f} s; {load()}; {os.cpu_count()} cores")
            failures: list[str] = []
            summary: list[str] = []
            with psycopg.connect(cluster.url(), autocommit=True) as admin:
                if args.only in (None, "latency"):
                    for engine, result in zip(("server", "file"), measure_latency(cluster, admin, tmp, env, args)):
                        summary.append(result["summary"])
                        # the file's busy errors are reported, not failed: one write lock for 20 processes
                        if (result["errors"] and engine == "server") or not result["ok"]:
                            failures.append(result["summary"])
                if args.only in (None, "import"):
                    summary.append(measure_import(cluster, admin, tmp, env, args, failures)["summary"])
                if args.only in (None, "export"):
                    summary.append(measure_export(cluster, admin, tmp, env, args, failures)["summary"])
        finally:
            cluster.stop()
        for line in summary:
            print(line)
        for line in failures:
            print(f"CHECK FAILED: {line}", file=sys.stderr)
        return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
