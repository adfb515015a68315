"""Which of the system's shared libraries the Linux bundle carries (used by packaging/annotator.spec).

PyInstaller copies every library the collected binaries need, the whole desktop stack included. Two
kinds do not belong in the bundle:

- Libraries every Linux desktop has, which PySide6's own wheel takes from the system too (the
  manylinux policy lets a wheel assume them) and which AppImage's excludelist leaves out because a
  copy from the build machine can disagree with the user's system (fontconfig's configuration,
  the X server, the C++ runtime of the graphics drivers). The app's Debian packages (README,
  .ci/setup.sh) and gui/display.py's check name them; the CLI needs none of them but the C++ runtime.
- Libraries nothing left in the bundle needs: those of the plugins and modules the spec drops (GTK's
  theme plugin pulled in pango, harfbuzz, libmount...). ``prune`` keeps a top-level library only if
  a kept binary names it in its ELF NEEDED entries, until nothing changes.
"""

from __future__ import annotations

import functools
import re
import subprocess
from pathlib import Path

SYSTEM = {
    "libstdc++.so.6", "libgcc_s.so.1", "libz.so.1", "libexpat.so.1", "libuuid.so.1", "libgpg-error.so.0",
    "libglib-2.0.so.0", "libgthread-2.0.so.0", "libgobject-2.0.so.0", "libgio-2.0.so.0",
    "libX11.so.6", "libX11-xcb.so.1", "libxcb.so.1", "libfontconfig.so.1", "libfreetype.so.6",
    "libharfbuzz.so.0", "libEGL.so.1", "libGL.so.1",
}
_NEEDED = re.compile(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]")


@functools.cache
def needed(path: str) -> frozenset[str]:
    """The sonames ``path`` names in its dynamic section (empty for a file that is not ELF)."""
    result = subprocess.run(["readelf", "-d", path], capture_output=True, text=True)
    return frozenset(_NEEDED.findall(result.stdout))


def prune(binaries: list[tuple[str, str, str]]) -> tuple[list[tuple[str, str, str]], list[str]]:
    """``binaries`` (PyInstaller's (destination, source, kind) entries) without the system's
    libraries and the top-level ones nothing kept needs; and the names dropped, sorted."""
    def top_level(entry) -> bool:  # a library of the system's, not Python's nor a Python module
        name = entry[0]
        return ("/" not in name.replace("\\", "/") and name.startswith("lib") and not name.startswith("libpython")
                and ".cpython-" not in name and ".abi3." not in name)

    kept = [entry for entry in binaries if Path(entry[0]).name not in SYSTEM]
    while True:
        wanted = set().union(*(needed(source) for _, source, _ in kept))
        still = [entry for entry in kept if not top_level(entry) or Path(entry[0]).name in wanted]
        if len(still) == len(kept):
            break
        kept = still
    dropped = sorted({Path(entry[0]).name for entry in binaries} - {Path(entry[0]).name for entry in kept})
    return kept, dropped
