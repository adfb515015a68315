"""Benchmark: the hostile files of issue 10 (point 7), each read the way the command reads it.

Builds each file in a temporary folder, times reading it (in this process) --runs times and prints
the median, the outcome (the refusal's first words, or the number of texts) and the file size.
Every one took seconds to minutes before the fix; see benchmarks/README.md, "Hostile files".

Run:  .venv/bin/python benchmarks/bench_hostile.py [--runs 3]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from annotator.core.errors import AnnotatorError


def docx(body_chunks) -> bytes:
    import docx as python_docx

    plain = io.BytesIO()
    python_docx.Document().save(plain)
    source = zipfile.ZipFile(io.BytesIO(plain.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != "word/document.xml":
                target.writestr(item, source.read(item))
                continue
            head, rest = source.read(item).split(b"<w:body>", 1)
            with target.open("word/document.xml", "w", force_zip64=True) as handle:
                handle.write(head + b"<w:body>")
                for chunk in body_chunks:
                    handle.write(chunk)
                handle.write(b"</w:body>" + rest.split(b"</w:body>", 1)[1])
    return out.getvalue()


def cases() -> list[tuple[str, str, object]]:
    """(label, file name, bytes or a callable making them)."""
    rows = "".join(f"v{i},w{i}\n" for i in range(2000))
    return [
        ("csv: Sniffer backtracking, 1 KB", "sniff.csv", 'text,b\na,"b",' + '"' * 1000 + "b\n"),
        ("html: 1 MB of newlines in <pre>", "nl.html", "<pre>" + "\n" * 1_000_000 + "x</pre>"),
        ("html: 800,000 <b>x", "b.html", "<b>x" * 800_000),
        ("html: 200,000 unclosed '<a '", "a.html", "<a " * 200_000),
        ("docx: 2,000,000 paragraphs", "paras.docx", lambda: docx(b"<w:p/>" * 10_000 for _ in range(200))),
        ("docx: 200,000 paragraphs (the limit)", "limit.docx", lambda: docx(b"<w:p/>" * 10_000 for _ in range(20))),
        ("docx: 512 MiB of text", "text.docx",
         lambda: docx([b"<w:p>"] + [b"<w:r><w:t>" + b"a" * (1 << 20) + b"</w:t></w:r>"] * 512 + [b"</w:p>"])),
        ("reliability: 4,000 distinct values", "values.csv", "a,b\n" + rows),
        ("reliability: 200,000-name header", "header.csv",
         ",".join(f"c{i}" for i in range(200_000)) + "\n" + ",".join("1" * 200_000) + "\n"),
        ("reliability: a 5,000-digit number", "digits.csv", "a,b\n" + "9" * 5000 + ",1\n2,3\n"),
    ]


def run(path: Path) -> str:
    if path.name in ("values.csv", "header.csv", "digits.csv"):
        from annotator.core.agreement.reliability import reliability_report
        from annotator.core.agreement.reliability_io import read_reliability_csv

        reliability_report(read_reliability_csv(path), "nominal", resamples=1000, seed=1)
        return "computed"
    from annotator.core.documents.readers import read_file

    return f"{len(read_file(path))} text(s)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for label, name, content in cases():
            data = content() if callable(content) else content
            path = Path(folder) / name
            path.write_bytes(data.encode() if isinstance(data, str) else data)
            times = []
            for _ in range(args.runs):
                started = time.perf_counter()
                try:
                    outcome = run(path)
                except AnnotatorError as error:
                    outcome = f"refused: {str(error)[:70]}"
                times.append(time.perf_counter() - started)
            size = path.stat().st_size
            print(f"{label:40} {statistics.median(times):7.3f} s  {size / 1024:9.1f} KB  {outcome}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
