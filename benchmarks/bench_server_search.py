"""Benchmark: the two text filters of a team server (PostgreSQL), with and without pg_trgm's indexes.

Starts its own throwaway PostgreSQL cluster (tests/pg/cluster.py, ``durable=True``: fsync on) and
makes one server project (``Project.create(url)``, which adds pg_trgm and the GIN trigram indexes,
core/storage/pg_schema.py) of --documents documents (default 10,000) of about --chars characters
(default 5,000: paragraphs of ../shared/corpus/*.txt's sentences, synthetic words without it) and
--annotations annotations (default 200,000: random spans of 1-300 characters, one in ten with a
note). Filling is timed and reported: the import, ``index_documents`` (the folded copy, the indexes
maintained as rows arrive), keying the annotations (``refresh_annotation_keys``), then VACUUM
ANALYZE (what autovacuum does after a bulk load). Then, for needles of several kinds, the median of
--runs of:

  documents  ``Project.find_documents(needle)``: the documents panel's search (its SQL part; the
             panel's proxy is bench_documents_panel.py's business)                        <= 0.2 s
  table      ``table_count`` and ``table_page(query, 0, 100)`` of ``TableQuery(text=needle)`` over
             the corpus: what the annotation table asks when its filter changes (target: as the
             file's, 0.18 s at 1,000,000 annotations, bench_annotation_table.py)

first with the indexes, then with them dropped (the same queries scan), then the time
``pg_schema.install_search_indexes`` takes to build them on the full tables (what a migration or
``annotator server setup`` costs an existing project), the sizes, and which plan PostgreSQL chose
for each needle. Every answer is checked against Python's casefold over the same texts (the
documents) or the same answer without the indexes (the table); a difference exits non-zero.

ANNOTATOR_HOME points at a temporary folder, so nothing is written to the user's folders.

Run:  .venv/bin/python benchmarks/bench_server_search.py [--documents 10000] [--chars 5000]
          [--annotations 200000] [--runs 5] [--refill-documents 2000]
          [--refill-annotations 50000] [--ctype C] [--seed 1]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import workload

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.pg.cluster

TARGETS = {"documents": 0.2, "table": 0.18}


def build(project, rng: random.Random, documents: int, chars: int, annotations: int) -> dict[str, float]:
    from annotator.core.project.documents import NewDocument

    sentences = workload.load_sentences(rng)
    coder = project.add_annotator("alice").id
    categories = [project.add_category(name).id for name in ("Claim", "Evidence", "Opinion", "Question")]
    times, started = {}, time.perf_counter()
    lengths = []
    for first in range(0, documents, 500):
        items = []
        for i in range(first, min(documents, first + 500)):
            text = workload.paragraphs(rng, sentences, "", chars, lambda s, _r: s)[:chars]
            items.append(NewDocument(f"{i:05d} " + " ".join(text.split()[:6]), text, source=f"source-{i % 50:02d}.txt"))
        for added in project.add_documents(items):
            lengths.append((added.document.id, added.document.length))
    times["import documents"] = time.perf_counter() - started
    started = time.perf_counter()
    assert project.index_documents() == 0
    times["index_documents (folded copy)"] = time.perf_counter() - started
    started = time.perf_counter()
    notes = ["checked", "Évidence forte", "50% sure_maybe", "see C:\\notes", "à revoir 📚"]
    for first in range(0, annotations, 50_000):
        rows = []
        for _ in range(first, min(annotations, first + 50_000)):
            doc, length = rng.choice(lengths)
            start = rng.randrange(length - 1)
            rows.append(dict(document_id=doc, category_id=rng.choice(categories), annotator_id=coder, start=start,
                             end=min(length, start + rng.randint(1, 300)),
                             note=rng.choice(notes) if rng.random() < 0.1 else ""))
        project.add_annotations(rows)
    times["add annotations"] = time.perf_counter() - started
    started = time.perf_counter()
    project.refresh_annotation_keys()
    times["key annotations (search text)"] = time.perf_counter() - started
    return times


def refill(project, url: str, documents: int, annotations: int) -> tuple[float, float]:
    """Seconds to fold and write again the first ``documents`` documents' copy (``index_documents``)
    and to key again the first ``annotations`` annotations (``refresh_annotation_keys``): what new
    rows cost with the trigram indexes maintained, or without them, on tables of the full size."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        first = "SELECT rowid FROM document_search_keys ORDER BY rowid LIMIT %s"
        conn.execute(f"DELETE FROM document_search WHERE rowid IN ({first})", (documents,))
        conn.execute(f"UPDATE document_search_keys SET indexed = 0 WHERE rowid IN ({first})", (documents,))
        conn.execute("INSERT INTO annotation_keys_stale SELECT rid FROM annotation_keys ORDER BY rid LIMIT %s"
                     " ON CONFLICT DO NOTHING", (annotations,))
    started = time.perf_counter()
    assert project.index_documents() == 0
    indexed = time.perf_counter() - started
    started = time.perf_counter()
    assert project.refresh_annotation_keys() == annotations
    return indexed, time.perf_counter() - started


def plans(url: str, statements: list[tuple[str, tuple]]) -> str:
    """How PostgreSQL plans the filters' LIKE/strpos statements: the index names or "scan"."""
    import psycopg

    from annotator.core.storage.dialect import POSTGRESQL, statement

    found = set()
    with psycopg.connect(url) as conn:
        for sql, params in statements:
            if " LIKE " not in sql and "strpos" not in sql:
                continue
            plan = "\n".join(row[0] for row in conn.execute("EXPLAIN " + statement(sql, POSTGRESQL), params))
            names = {word for word in plan.split() if word.endswith("_trgm")}
            found |= names or {"scan"}
    return ", ".join(sorted(found)) or "-"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--chars", type=int, default=5_000)
    parser.add_argument("--annotations", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--refill-documents", type=int, default=2_000)
    parser.add_argument("--refill-annotations", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--ctype", default="C", help="the database's LC_CTYPE (C: pg_trgm makes trigrams of "
                        "ASCII letters and digits only; C.UTF-8 or a language's: of every letter)")
    args = parser.parse_args()

    from tests.pg.cluster import Cluster

    with workload.temporary_home("bench-server-search-", keep=False):
        import psycopg

        from annotator.core.project import annotation_table
        from annotator.core.project.annotation_table import TableQuery
        from annotator.core.project.project import Project
        from annotator.core.storage import document_search, pg_schema, server_db
        from annotator.core.storage.location import parse_location

        cluster = Cluster.start(durable=True)
        try:
            with psycopg.connect(cluster.url(), autocommit=True) as conn:
                conn.execute(f"CREATE DATABASE bench TEMPLATE template0 ENCODING 'UTF8' LC_CTYPE '{args.ctype}'")
                version = conn.execute("SHOW server_version").fetchone()[0]
            url = cluster.url("bench")
            rng = random.Random(args.seed)
            print(f"PostgreSQL {version}, LC_CTYPE {args.ctype}; text: {workload.text_source()}; {workload.load()}")
            project = Project.create(url)
            times = build(project, rng, args.documents, args.chars, args.annotations)
            with psycopg.connect(url, autocommit=True) as conn:
                started = time.perf_counter()
                conn.execute("VACUUM ANALYZE")
                times["VACUUM ANALYZE"] = time.perf_counter() - started
                sizes = dict(conn.execute("SELECT c.relname, pg_table_size(c.oid) FROM pg_class c "
                                          "WHERE c.relname LIKE '%%_trgm' OR c.relname IN "
                                          "('document_search', 'annotation_search', 'documents')").fetchall())
            for what, seconds in times.items():
                print(f"  {what}: {seconds:.1f} s")
            print("  sizes: " + ", ".join(f"{name} {size / 2**20:.0f} MiB" for name, size in sorted(sizes.items())))

            texts = [(d.title.casefold(), project.document(d.id).text.casefold()) for d in project.documents()]
            words = sorted({w for _, text in texts[:50] for w in text.split() if w.isalpha() and len(w) > 4})
            by_count = sorted(words, key=lambda w: sum(w in text for _, text in texts[::20]))
            phrase = " ".join(texts[7][1].split()[3:6])
            needles = {"rare word": by_count[0], "common word": by_count[-1], "phrase": phrase,
                       "non-ASCII": "état", "absent": "qxzvw", "wildcards": "50% sure_",
                       "2 characters": "zq", "2 characters, common": "th", "1 character": "q",
                       "1 character, common": "e"}
            statements: list[tuple[str, tuple]] = []

            def spy(run):
                def recorded(sql, params=()):
                    statements.append((sql, tuple(params)))
                    return run(sql, params)
                recorded.kind = getattr(run, "kind", "postgresql")
                return recorded

            real_find, real_raw = document_search.find_on_server, annotation_table._raw
            document_search.find_on_server = lambda execute, needle: real_find(spy(execute), needle)
            annotation_table._raw = lambda s: spy(real_raw(s))

            results: dict[str, dict[str, tuple[float, str, int]]] = {}
            failures = []
            answers: dict[str, object] = {}
            refills = {}
            for phase in ("with indexes", "without indexes"):
                results[phase] = {}
                refills[phase] = refill(project, url, args.refill_documents, args.refill_annotations)
                with psycopg.connect(url, autocommit=True) as conn:
                    conn.execute("VACUUM ANALYZE")
                print(f"  {phase}: refilled in {refills[phase][0]:.1f} s (documents), "
                      f"{refills[phase][1]:.1f} s (annotations)", flush=True)
                for label, needle in needles.items():
                    folded = needle.casefold()
                    statements.clear()
                    seconds, found = workload.median_time(lambda n=needle: project.find_documents(n), args.runs)
                    plan = plans(url, list(dict.fromkeys(statements)))
                    expected = sum(1 for title, text in texts if folded in title or folded in text)
                    if len(found) != expected:
                        failures.append(f"{phase}: documents {needle!r} found {len(found)}, not {expected}")
                    results[phase][f"documents, {label} ({needle!r})"] = (seconds, plan, len(found))
                    query = TableQuery(text=needle)
                    statements.clear()
                    seconds, page = workload.median_time(
                        lambda q=query: (project.table_count(q), project.table_page(q, 0, 100)), args.runs)
                    plan = plans(url, list(dict.fromkeys(statements)))
                    answer = (page[0], [row.id for row in page[1]])
                    if answers.setdefault(needle, answer) != answer:
                        failures.append(f"{phase}: table {needle!r} differs with and without the indexes")
                    results[phase][f"table, {label} ({needle!r})"] = (seconds, plan, page[0])
                    print(f"  {phase}: {label} {needle!r}: documents/table done ({workload.load()})", flush=True)
                if phase == "with indexes":
                    with psycopg.connect(url, autocommit=True) as conn:
                        for name, _table, _column in pg_schema.SEARCH_INDEXES:
                            conn.execute(f"DROP INDEX {name}")
                        conn.execute("ANALYZE")
            engine = server_db.make_engine(parse_location(url))
            try:
                started = time.perf_counter()
                with engine.begin() as conn:
                    assert pg_schema.install_search_indexes(conn)
                rebuilt = time.perf_counter() - started
            finally:
                engine.dispose()
            project.close()
        finally:
            cluster.stop()

    print(f"\n{args.documents:,} documents of about {args.chars:,} characters, {args.annotations:,} annotations; "
          f"median of {args.runs}")
    print(f"{'query':58} {'with indexes':>14} {'without':>10}  found  plan with indexes")
    for name, (seconds, plan, found) in results["with indexes"].items():
        without = results["without indexes"][name][0]
        print(f"{name:58} {seconds * 1000:11.1f} ms {without * 1000:7.1f} ms {found:6,}  {plan}")
    print(f"install_search_indexes on the full tables (the three GIN indexes built): {rebuilt:.1f} s")
    for what, at in (("index_documents", 0), ("key annotations", 1)):
        count = args.refill_documents if at == 0 else args.refill_annotations
        print(f"{what}, {count:,} again: {refills['with indexes'][at]:.1f} s with indexes, "
              f"{refills['without indexes'][at]:.1f} s without")
    worst = {kind: max(s for n, (s, _p, _f) in results["with indexes"].items() if n.startswith(kind))
             for kind in TARGETS}
    for kind, target in TARGETS.items():
        print(f"{kind} filter, slowest needle with indexes: {worst[kind]:.3f} s (target {target} s, "
              f"ratio {worst[kind] / target:.2f})")
    print(workload.load())
    for failure in failures:
        print("FAILED:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
