"""Replace the bundle's ICU data library (libicudata.so.NN, 31 MB in PySide6's Linux wheels) with one
that holds only what Annotator's Qt can use: about 2 MB.

QtCore links ICU for collation (QCollator), legacy text codecs (QStringConverter), time-zone names
(QTimeZone) and locale-aware case mapping. Annotator's texts are English, Python decodes every file
and formats every time, and case mapping's tables are compiled into libicuuc, not the data library.
So we keep, from ICU's common data package:

  - the root and English resources of every tree (collation, time zones, units, currencies...), the
    pool and index bundles they share, and the other top-level resources that are not locales;
  - the Unicode data (properties, normalisation, case folding, names: .icu .nrm .spp .cfu .dict);
  - the converter alias table (cnvalias.icu) and the converters of the Latin-1/UTF families;
  - the time-zone rules (zoneinfo64, metaZones, timezoneTypes, windowsZones);

and drop the other 800 locales, the 200 legacy CJK/EBCDIC converters, the break-iterator
dictionaries and the transliterators. A lookup of a dropped locale falls back to root, as ICU does
for any locale it lacks.

ICU's common data is a package (format "CmnD": a header, a table of contents of name and offset
pairs sorted by name, then the items, each 16-byte aligned) exported as the symbol icudtNN_dat.
This reads that package out of the library, writes the smaller one, and links it into a new
library of the same name and soname with the C compiler (gcc or cc, on every Debian build machine).

    python packaging/slim_icu.py PATH/libicudata.so.73 [--output OUT] [--list]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

KEEP_TOP = re.compile(
    r"(root|en|pool|res_index|supplementalData|likelySubtags|metadata|keyTypeData|numberingSystems|"
    r"plurals|dayPeriods|genderList|grammaticalFeatures|icuver|icustd|zoneinfo64|metaZones|"
    r"timezoneTypes|windowsZones|cnvalias|langInfo|units|currencyNumericCodes|unames|ulayout|uemoji)\."
    r"|\.(icu|nrm|spp|cfu)$"
    r"|^(ibm-1252|ibm-5348|iso-8859_1|ibm-912|ibm-913|ibm-914|ibm-915|ibm-923)[-_]"
)
KEEP_TREE = re.compile(r"^(root|en|pool|res_index)\.res$|^(ucadata[^/]*\.icu|.*\.(nrm|spp|cfu))$")
DROP_TREES = {"brkitr", "translit", "rbnf"}  # break dictionaries, transliterators, spell-out rules


def keep(name: str) -> bool:
    """``name`` is an item's name inside the package, without the ``icudtNNl/`` prefix."""
    tree, _, leaf = name.rpartition("/")
    if not tree:
        return bool(KEEP_TOP.search(leaf))
    return tree not in DROP_TREES and bool(KEEP_TREE.search(leaf))


def read_package(library: Path) -> tuple[str, bytes]:
    """The data symbol's name and bytes, read through the ELF program headers and ``nm -D -S``."""
    listing = subprocess.run(["nm", "-D", "-S", "--defined-only", str(library)], check=True,
                             capture_output=True, text=True).stdout
    found = [line.split() for line in listing.splitlines() if re.search(r" icudt\d+_dat$", line)]
    if len(found) != 1:
        raise SystemExit(f"{library}: no single icudtNN_dat symbol (found {len(found)})")
    address, size, _, symbol = found[0]
    address, size = int(address, 16), int(size, 16)
    data = library.read_bytes()
    phoff, = struct.unpack_from("<Q", data, 0x20)
    entry_size, entries = struct.unpack_from("<HH", data, 0x36)
    for index in range(entries):
        kind, _, offset, vaddr, _, file_size = struct.unpack_from("<IIQQQQ", data, phoff + index * entry_size)
        if kind == 1 and vaddr <= address < vaddr + file_size:  # PT_LOAD holding the symbol
            start = address - vaddr + offset
            return symbol, data[start:start + size]
    raise SystemExit(f"{library}: {symbol} lies in no loaded segment")


def items(package: bytes) -> tuple[bytes, list[tuple[str, bytes]]]:
    """The package's header and its (name, bytes) items, names with their ``icudtNNl/`` prefix."""
    header_size, magic1, magic2 = struct.unpack_from("<HBB", package, 0)
    if (magic1, magic2) != (0xDA, 0x27) or package[12:16] != b"CmnD":
        raise SystemExit("not an ICU common data package (CmnD)")
    toc = header_size
    count, = struct.unpack_from("<I", package, toc)
    pairs = [struct.unpack_from("<II", package, toc + 4 + 8 * i) for i in range(count)]
    out = []
    for index, (name_offset, data_offset) in enumerate(pairs):
        name = package[toc + name_offset:package.index(b"\0", toc + name_offset)].decode("ascii")
        end = pairs[index + 1][1] if index + 1 < count else len(package) - toc
        out.append((name, package[toc + data_offset:toc + end]))
    return package[:header_size], out


def write_package(header: bytes, kept: list[tuple[str, bytes]]) -> bytes:
    """A package of ``kept`` (sorted by name, as ICU's binary search needs), items 16-byte aligned."""
    kept = sorted(kept, key=lambda item: item[0].encode("ascii"))
    names = b"".join(name.encode("ascii") + b"\0" for name, _ in kept)
    table_size = 4 + 8 * len(kept)
    offset = table_size + len(names)
    offset += -(len(header) + offset) % 16
    pairs, body, name_offset = [], b"", table_size
    for name, data in kept:
        pad = -(len(header) + offset + len(body)) % 16
        body += b"\0" * pad
        pairs.append((name_offset, offset + len(body)))
        body += data
        name_offset += len(name) + 1
    table = struct.pack("<I", len(kept)) + b"".join(struct.pack("<II", *pair) for pair in pairs)
    gap = b"\0" * (offset - table_size - len(names))
    return header + table + names + gap + body


def link(package: bytes, symbol: str, soname: str, output: Path) -> None:
    """A shared library ``soname`` exporting ``symbol`` = ``package``, read-only, 16-byte aligned."""
    compiler = shutil.which(os.environ.get("CC", "")) or shutil.which("gcc") or shutil.which("cc")
    if compiler is None:
        raise SystemExit("slim_icu: no C compiler (gcc or cc) to link the ICU data library; "
                         "install it with: sudo apt-get install gcc")
    with tempfile.TemporaryDirectory() as tmp:
        blob = Path(tmp) / "icudata.dat"
        blob.write_bytes(package)
        source = Path(tmp) / "icudata.S"
        source.write_text(f'.section .rodata\n.globl {symbol}\n.type {symbol}, @object\n.balign 16\n'
                          f'{symbol}:\n.incbin "{blob}"\n.size {symbol}, . - {symbol}\n'
                          '.section .note.GNU-stack,"",@progbits\n')
        built = Path(tmp) / soname
        subprocess.run([compiler, "-shared", "-nostdlib", f"-Wl,-soname,{soname}", "-Wl,-z,noexecstack",
                        "-o", str(built), str(source)], check=True)
        shutil.copy2(built, output)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("library", type=Path, help="libicudata.so.NN (replaced unless --output)")
    parser.add_argument("--output", type=Path, help="write the new library here instead")
    parser.add_argument("--list", action="store_true", help="print the kept items")
    args = parser.parse_args(argv)
    symbol, package = read_package(args.library)
    header, every = items(package)
    kept = [(name, data) for name, data in every if keep(name.partition("/")[2])]
    slim = write_package(header, kept)
    if args.list:
        print("\n".join(name for name, _ in kept))
    link(slim, symbol, args.library.name, args.output or args.library)
    print(f"[build] ICU data: {len(kept)} of {len(every)} items kept, "
          f"{len(package) / 1e6:.1f} MB -> {len(slim) / 1e6:.1f} MB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
