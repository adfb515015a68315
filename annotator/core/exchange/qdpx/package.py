"""Opening a REFI-QDA project (.qdpx, a zip) safely: ``open_package`` checks the whole central
directory before a byte is unpacked, then gives ``project.qde``'s bytes and each source's bytes on
demand, never extracting anything to disk.

Refused, with one ``QdpxError`` naming the file (and the member) and the reason: a file that is
not a zip; a zip bomb (more than MAX_UNPACKED_BYTES unpacked in all, or a member over
MAX_MEMBER_BYTES, or one compressed more than MAX_RATIO to 1; the sizes are checked from the
central directory and enforced again while reading, so a member that lies about its size is
refused too); more than MAX_MEMBERS members; a member name with a ``..`` part, an absolute path, a
drive letter or a backslash; a symbolic link; no ``project.qde`` (ATLAS.ti names it
``<name>.qde``: exactly one .qde at the root is taken when project.qde is absent); a source that
is missing from the package or lies outside it (``absolute://``).
"""

from __future__ import annotations

import re
import stat
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from annotator.core.errors import QdpxError, ReadError, quoted
from annotator.core.files import MiB, open_bounded

MAX_PACKAGE_BYTES = 8 * 1024 * MiB  # the .qdpx on disk
MAX_UNPACKED_BYTES = 4 * 1024 * MiB  # every member, unpacked, added up
MAX_MEMBER_BYTES = 512 * MiB  # one member unpacked (project.qde or a source)
MAX_RATIO = 200  # unpacked size over packed size, for a member of more than RATIO_FROM bytes
RATIO_FROM = 1 * MiB
MAX_MEMBERS = 200_000
_DRIVE = re.compile(r"^[A-Za-z]:")
_SCHEME = re.compile(r"^([a-z]+)://", re.IGNORECASE)


class Package:
    """An open .qdpx whose central directory passed the checks; see the module docstring."""

    def __init__(self, path: Path, archive: zipfile.ZipFile) -> None:
        self.path = path
        self.archive = archive
        self.members = {info.filename: info for info in archive.infolist() if not info.is_dir()}
        self._folded = {name.casefold(): name for name in self.members}
        self.qde_name = self._qde_name()

    def fail(self, reason: str, member: str | None = None) -> QdpxError:
        return QdpxError(f"{self.path}: {f'its {member}: ' if member else ''}{reason}")

    def _qde_name(self) -> str:
        at_root = [name for name in self.members if "/" not in name and name.lower().endswith(".qde")]
        chosen = [name for name in at_root if name.lower() == "project.qde"] or at_root
        if len(chosen) != 1:
            found = f" (found {', '.join(sorted(at_root))})" if at_root else ""
            raise self.fail(f"no project.qde at the root of the zip{found}, so not a REFI-QDA project (.qdpx)")
        return chosen[0]

    def qde(self) -> bytes:
        """The bytes of project.qde (or ATLAS.ti's ``<name>.qde``)."""
        return self.read(self.qde_name)

    def source_member(self, reference: str, what: str) -> str:
        """The member a source's ``plainTextPath`` (or ``path``) names: ``internal://NAME`` under
        ``sources/`` (any case: NVivo writes ``Sources/``), ``relative://PATH`` or a plain relative
        path, inside the zip, under ``sources/`` or from the root. QdpxError when it is not there."""
        match = _SCHEME.match(reference)
        scheme = match.group(1).lower() if match else ""
        rest = reference[match.end():] if match else reference
        if scheme not in ("", "internal", "relative", "file"):
            raise self.fail(f"{what} is {quoted(reference)}, outside the package; only sources inside the "
                            ".qdpx are read")
        rest = rest.lstrip("/")
        if not rest or "\\" in rest or ".." in PurePosixPath(rest).parts or _DRIVE.match(rest):
            raise self.fail(f"{what} is {quoted(reference)}, not a path inside the package")
        for candidate in (f"sources/{rest}", rest):
            name = self._folded.get(candidate.casefold())
            if name is not None:
                return name
        raise self.fail(f"{what} names {quoted(reference)}, which the package does not hold (no sources/{rest})")

    def read(self, name: str) -> bytes:
        """A member's bytes, at most its declared size (and MAX_MEMBER_BYTES)."""
        info = self.members[name]
        try:
            with self.archive.open(info) as member:
                data = member.read(info.file_size + 1)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, OSError) as exc:
            raise self.fail(f"cannot be unpacked ({exc})", name) from None
        if len(data) > info.file_size:
            raise self.fail("holds more than the zip's directory says: refused as a zip bomb", name)
        return data


@contextmanager
def open_package(path: str | Path) -> Iterator[Package]:
    """The package at ``path``, checked; see the module docstring."""
    path = Path(path)
    try:
        with open_bounded(path, MAX_PACKAGE_BYTES, "REFI-QDA projects") as handle:
            try:
                archive = zipfile.ZipFile(handle)
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError) as exc:
                raise QdpxError(f"{path}: not a REFI-QDA project (.qdpx): not a zip file ({exc})") from None
            with archive:
                _check_directory(path, archive.infolist())
                yield Package(path, archive)
    except ReadError as exc:
        raise QdpxError(f"{path}: {exc}") from None


def _check_directory(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    """Refuse a central directory that names a member outside the package, a link, or sizes
    beyond the limits: before anything is unpacked."""
    if len(infos) > MAX_MEMBERS:
        raise QdpxError(f"{path}: holds {len(infos):,} members; at most {MAX_MEMBERS:,} are read")
    total = 0
    seen: set[str] = set()
    for info in infos:
        name = info.filename
        shown = quoted(name, 120)
        if "\\" in name or name.startswith("/") or _DRIVE.match(name) or ".." in PurePosixPath(name).parts:
            raise QdpxError(f"{path}: the member {shown} is named outside the package (an absolute path, a drive, "
                            "'..' or a backslash); refused")
        if stat.S_ISLNK(info.external_attr >> 16):
            raise QdpxError(f"{path}: the member {shown} is a symbolic link; refused")
        if name.casefold() in seen:
            raise QdpxError(f"{path}: the member {shown} is in the zip twice; refused")
        seen.add(name.casefold())
        if info.file_size > MAX_MEMBER_BYTES:
            raise QdpxError(f"{path}: the member {shown} unpacks to {info.file_size / MiB:,.0f} MiB; members of "
                            f"up to {MAX_MEMBER_BYTES // MiB} MiB are read")
        if info.file_size > RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise QdpxError(f"{path}: the member {shown} is compressed more than {MAX_RATIO} to 1: refused as a "
                            "zip bomb")
        total += info.file_size
    if total > MAX_UNPACKED_BYTES:
        raise QdpxError(f"{path}: unpacks to {total / MiB:,.0f} MiB in all; packages of up to "
                        f"{MAX_UNPACKED_BYTES // MiB:,} MiB unpacked are read (refused as a zip bomb)")
