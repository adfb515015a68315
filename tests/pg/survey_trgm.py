"""The survey's measurement (docs/team-server-plan.md, "pg_trgm measured"), not a test: the documents
filter's two ways on PostgreSQL, a scan (strpos) and a pg_trgm GIN index (LIKE), over the folded
texts of 5,000 synthetic documents x 10,000 characters (50 MB; random words of a-z, ä, é, ß),
medians of 5 queries. Run from the repository root: ``python -m tests.pg.survey_trgm`` (needs the
postgresql package and psycopg, as tests/pg does). It may move to benchmarks/ with the team-server
benchmarks of issue 19, point 9.
"""

from __future__ import annotations

import random
import statistics
import time

import psycopg

from tests.pg.cluster import Cluster

DOCUMENTS, LENGTH, RUNS = 5000, 10_000, 5
SCAN = "SELECT id FROM s WHERE strpos(folded, %s) > 0"
LIKE = "SELECT id FROM s WHERE folded LIKE '%%' || %s || '%%'"


def texts(seed: int = 7):
    rng = random.Random(seed)
    words = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyzäéß") for _ in range(rng.randint(2, 9)))
             for _ in range(5000)]
    for _ in range(DOCUMENTS):
        out, n = [], 0
        while n < LENGTH:
            word = rng.choice(words)
            out.append(word)
            n += len(word) + 1
        yield " ".join(out)[:LENGTH]


def median_ms(conn, sql: str, needle: str) -> tuple[float, int]:
    times, rows = [], []
    for _ in range(RUNS):
        began = time.perf_counter()
        rows = conn.execute(sql, (needle,)).fetchall()
        times.append(time.perf_counter() - began)
    return statistics.median(times) * 1000, len(rows)


def main() -> None:
    cluster = Cluster.start(durable=True)
    try:
        with psycopg.connect(cluster.url(), autocommit=True) as conn:
            conn.execute("CREATE DATABASE b TEMPLATE template0 ENCODING 'UTF8'")
        with psycopg.connect(cluster.url("b"), autocommit=True) as conn:
            conn.execute("CREATE EXTENSION pg_trgm")
            conn.execute("CREATE TABLE s (id int PRIMARY KEY, folded text NOT NULL)")
            with conn.cursor().copy("COPY s (id, folded) FROM STDIN") as copy:
                for i, text in enumerate(texts()):
                    copy.write_row((i, text))
            conn.execute("VACUUM ANALYZE s")
            needles = ["zq", "e", "tg", "qxzv", "crnbä"]
            for needle in needles:
                ms, found = median_ms(conn, SCAN, needle)
                print(f"scan strpos  {needle!r:8} {ms:7.1f} ms, {found} documents")
            began = time.perf_counter()
            conn.execute("CREATE INDEX s_trgm ON s USING gin (folded gin_trgm_ops)")
            print(f"GIN trigram index built in {time.perf_counter() - began:.1f} s")
            conn.execute("ANALYZE s")
            for needle in needles:
                ms, found = median_ms(conn, LIKE, needle)
                print(f"LIKE (trgm)  {needle!r:8} {ms:7.1f} ms, {found} documents")
            sizes = conn.execute("SELECT pg_size_pretty(pg_relation_size('s_trgm')), "
                                 "pg_size_pretty(pg_total_relation_size('s'))").fetchone()
            print(f"index {sizes[0]}, table with index {sizes[1]}")
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
