"""packaging/slim_icu.py: the bundle's small ICU data library serves what QtCore asks ICU for.

ICU is loaded with ctypes in a child process (this process may have Qt, hence the wheel's full ICU,
loaded already), once from the wheel's libraries as they are and once with the slim data library
beside copies of libicuuc and libicui18n (their RUNPATH is $ORIGIN): the answers must be the same.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "packaging"))
import slim_icu  # noqa: E402

QT_LIB = Path(__import__("PySide6").__file__).parent / "Qt" / "lib"
DATA = sorted(QT_LIB.glob("libicudata.so.*"))
if sys.platform != "linux" or not DATA:
    pytest.skip("PySide6 ships its own ICU only on Linux", allow_module_level=True)
VERSION = re.search(r"\.so\.(\d+)", DATA[0].name).group(1)

# What QtCore calls (nm -D --undefined-only libQt6Core.so.6): collation, converters, time zones,
# case mapping. Each answer is printed as JSON by the child.
PROBE = r"""
import ctypes, json, sys
folder, v = sys.argv[1], sys.argv[2]
uc = ctypes.CDLL(f"{folder}/libicuuc.so.{v}")
i18n = ctypes.CDLL(f"{folder}/libicui18n.so.{v}")
def call(lib, name, *args, restype=ctypes.c_int):
    fn = getattr(lib, f"{name}_{v}")
    fn.restype = restype
    return fn(*args)
def u16(text):  # ICU's UChar strings are UTF-16
    raw = text.encode("utf-16-le")
    return (ctypes.c_uint16 * (len(raw) // 2 + 1)).from_buffer_copy(raw + b"\0\0"), len(raw) // 2
def text(buffer, length):
    return bytes(buffer)[:2 * length].decode("utf-16-le")
out, status = {}, ctypes.c_int(0)
coll = call(i18n, "ucol_open", b"en_GB", ctypes.byref(status), restype=ctypes.c_void_p)
out["collator"] = status.value <= 0
(a, na), (b, nb) = u16("côte"), u16("cotf")  # binary order says côte > cotf; collation says less
out["côte<cotf"] = call(i18n, "ucol_strcoll", ctypes.c_void_p(coll), a, na, b, nb) if coll else None
for name in ("windows-1252", "ISO-8859-2", "UTF-8", "Shift_JIS"):
    status = ctypes.c_int(0)
    conv = call(uc, "ucnv_open", name.encode(), ctypes.byref(status), restype=ctypes.c_void_p)
    out[name] = status.value <= 0
status, result, system = ctypes.c_int(0), (ctypes.c_uint16 * 64)(), ctypes.c_int8(0)
zone, nzone = u16("US/Eastern")
length = call(i18n, "ucal_getCanonicalTimeZoneID", zone, nzone, result, 64, ctypes.byref(system), ctypes.byref(status))
out["canonical zone"] = text(result, length) if status.value <= 0 else None
status = ctypes.c_int(0)
zone, nzone = u16("Europe/Paris")
cal = call(i18n, "ucal_open", zone, nzone, b"en", 0, ctypes.byref(status), restype=ctypes.c_void_p)
length = call(i18n, "ucal_getTimeZoneDisplayName", ctypes.c_void_p(cal), 0, b"en", result, 64, ctypes.byref(status))
out["zone name"] = text(result, length) if status.value <= 0 else None
src, nsrc = u16("istanbul")
status = ctypes.c_int(0)
length = call(uc, "u_strToUpper", result, 64, src, nsrc, b"tr", ctypes.byref(status))
out["upper tr"] = text(result, length)
print(json.dumps(out, ensure_ascii=False))
"""


def probe(folder: Path) -> dict:
    result = subprocess.run([sys.executable, "-c", PROBE, str(folder), VERSION], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def slim_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("icu")
    for name in (f"libicuuc.so.{VERSION}", f"libicui18n.so.{VERSION}"):
        shutil.copy2(QT_LIB / name, folder / name)
    slim_icu.main([str(DATA[0]), "--output", str(folder / DATA[0].name)])
    return folder


def test_the_slim_library_is_a_small_fraction_of_the_wheels(slim_folder):
    assert (slim_folder / DATA[0].name).stat().st_size < DATA[0].stat().st_size / 5


def test_the_slim_package_keeps_what_qt_uses_and_drops_other_locales(slim_folder):
    _, package = slim_icu.read_package(slim_folder / DATA[0].name)
    names = {name.partition("/")[2] for name, _ in slim_icu.items(package)[1]}
    assert {"coll/ucadata.icu", "coll/root.res", "coll/en.res", "cnvalias.icu", "zoneinfo64.res",
            "zone/en.res", "nfkc.nrm", "root.res", "en.res", "ibm-1252_P100-2000.cnv"} <= names
    assert not {"fr.res", "coll/de.res", "zone/ja.res", "brkitr/cjdict.dict", "ibm-943_P15A-2003.cnv"} & names


def test_icu_answers_qt_the_same_with_the_slim_data(slim_folder):
    full, slim = probe(QT_LIB), probe(slim_folder)
    # The probe itself works on the wheel's ICU:
    assert full == {"collator": True, "côte<cotf": -1, "windows-1252": True, "ISO-8859-2": True, "UTF-8": True,
                    "Shift_JIS": True, "canonical zone": "America/New_York",
                    "zone name": "Central European Standard Time", "upper tr": "İSTANBUL"}
    assert slim == {**full, "Shift_JIS": False}  # a dropped converter is refused, not a crash
