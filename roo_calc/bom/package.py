"""The workbook file as a package: its bytes read once, its zip parts, their relationships.

The file is read into memory once; the hash and every parse use those same bytes, and a file
that changes while it is read is refused.  Zip parts are inflated as streams, only the parts
the reader needs, and only after their declared sizes pass the limits below, so a small file
cannot make the reader inflate gigabytes (zipfile stops every part at its declared size and
checks its CRC, so a header cannot understate what is inflated either).
"""

from __future__ import annotations

import io
import os
import posixpath
import stat
import zipfile
import zlib
from pathlib import Path
from typing import IO
from urllib.parse import unquote, urlsplit

from roo_calc.bom import safexml

MiB = 1 << 20
MAX_FILE_BYTES = 256 * MiB  # the .xlsx file itself
MAX_PARTS_BYTES = 1024 * MiB  # all parts the reader inflates, added up, as their headers declare
MAX_RATIO = 200  # inflated : compressed, for any part above RATIO_FLOOR
RATIO_FLOOR = 1 * MiB
MAX_ENTRIES = 10_000

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")


class PackageError(ValueError):
    """The file cannot be read as a workbook package; the message says why, for people."""

    def __init__(self, message: str, code: str = "not-xlsx", sheet: str | None = None, cell: str | None = None):
        super().__init__(message)
        self.code = code
        self.sheet = sheet
        self.cell = cell


def read_once(path: Path) -> bytes:
    """The file's bytes, read once; refuses what is not a regular file and a file that
    changed while it was read."""
    try:
        before = os.stat(path)
    except FileNotFoundError:
        raise PackageError("no such file", "file-not-found") from None
    except OSError as exc:
        raise PackageError(f"cannot read the file ({exc.strerror})", "unreadable") from None
    if stat.S_ISDIR(before.st_mode):
        raise PackageError("expected an .xlsx file, found a directory", "not-a-file")
    if not stat.S_ISREG(before.st_mode):
        raise PackageError("expected an .xlsx file, found something that is not a regular file "
                           "(a pipe, device or socket)", "not-a-file")
    if before.st_size > MAX_FILE_BYTES:
        raise PackageError(f"the file is {before.st_size:,} bytes; expected at most {MAX_FILE_BYTES:,} "
                           "(the reader's limit for a workbook)", "too-large")
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise PackageError(f"cannot read the file ({exc.strerror})", "unreadable") from None
    try:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode) or opened.st_ino != before.st_ino:
            raise PackageError("the file was replaced while it was opened; read it again", "file-changed")
        data = _read_all(fd, opened.st_size)
        after = os.fstat(fd)
    except OSError as exc:
        raise PackageError(f"cannot read the file ({exc.strerror})", "unreadable") from None
    finally:
        os.close(fd)
    if (after.st_size, after.st_mtime_ns) != (opened.st_size, opened.st_mtime_ns) or len(data) != after.st_size:
        raise PackageError("the file changed while it was read (it is being written); read it again once "
                           "it is saved", "file-changed")
    return data


def _read_all(fd: int, size: int) -> bytes:
    chunks: list[bytes] = []
    total = 0
    while True:
        chunk = os.read(fd, max(1 << 20, size - total + 1))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
        if total > MAX_FILE_BYTES:
            raise PackageError(f"the file grew past {MAX_FILE_BYTES:,} bytes while it was read", "file-changed")


def sniff(data: bytes) -> str | None:
    """Say why these bytes are not a readable xlsx, or None when they are a zip."""
    head = data[:8]
    if head == OLE_MAGIC:
        if _ENCRYPTION_INFO in data[: 1 << 20]:
            return ("the workbook is encrypted (password-protected); expected an unencrypted "
                    ".xlsx: open it in a spreadsheet app, remove the password and save again")
        return ("this is a legacy Excel 97-2003 .xls workbook; expected .xlsx: open it in a "
                "spreadsheet app and save it as Excel Workbook (.xlsx)")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        if head.startswith(b"PK\x03\x04"):  # a zip's first entry, without the directory a zip ends with
            return ("expected an .xlsx workbook, found a damaged zip file: it begins as one but its directory, at the "
                    "end of the file, is missing (the file was cut short, e.g. by an interrupted copy or download)")
        found = "an empty file" if head == b"" else f"a file starting with {head[:4]!r}"
        return f"expected an .xlsx workbook (a zip file), found {found}"
    return None


class Package:
    """The zip parts of a workbook, opened from bytes in memory."""

    def __init__(self, data: bytes):
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError) as exc:
            raise PackageError(f"expected an .xlsx workbook, found a damaged zip file ({exc})") from None
        if len(infos) > MAX_ENTRIES:
            raise PackageError(f"the zip holds {len(infos):,} entries; expected at most {MAX_ENTRIES:,}", "too-large")
        self._infos = {info.filename.lstrip("/").lower(): info for info in infos}
        self._inflated = 0

    def has(self, part: str) -> bool:
        return part.lower() in self._infos

    def open(self, part: str) -> IO[bytes]:
        """A part as a stream, after its declared size passes the limits."""
        info = self._infos.get(part.lower())
        if info is None:
            raise PackageError(f"the workbook names a part {part!r} that is not in the zip")
        if info.flag_bits & 0x1:
            raise PackageError(f"part {part!r} is encrypted inside the zip; expected a plain .xlsx")
        size, packed = info.file_size, max(info.compress_size, 1)
        if size > RATIO_FLOOR and size > MAX_RATIO * packed:
            raise PackageError(f"part {part!r} would inflate from {packed:,} to {size:,} bytes (ratio "
                               f"{size // packed:,}:1); expected at most {MAX_RATIO}:1 (the reader's limit, "
                               "against zip bombs)", "too-large")
        self._inflated += size
        if self._inflated > MAX_PARTS_BYTES:
            raise PackageError(f"the workbook's parts would inflate to more than {MAX_PARTS_BYTES:,} bytes "
                               "(the reader's limit)", "too-large")
        try:
            return self._zip.open(info)
        except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, ValueError) as exc:
            raise PackageError(f"part {part!r} of the zip is damaged ({exc})") from None

    def tree(self, part: str) -> safexml.Node:
        """A small XML part as a tree; damaged or hostile parts raise PackageError."""
        return parse(self, part, safexml.tree)

    def relationships(self, part: str) -> dict[str, tuple[str, str]]:
        """Relationship id -> (type, target part name) of a part's relationships that the reader
        follows (workbook, sheets, strings, styles); the package's own are those of part ""."""
        folder, name = posixpath.split(part)
        rels_part = posixpath.join(folder, "_rels", name + ".rels")
        if not self.has(rels_part):
            return {}
        found = {}
        for rel in self.tree(rels_part).findall("Relationship"):
            rid, kind, target = rel.attr("Id"), rel.attr("Type") or "", rel.attr("Target") or ""
            if rid is None:
                continue
            found[rid] = (kind, target, rel.attr("TargetMode") or "")
        return {rid: (kind, _resolve(rels_part, folder, rid, target, mode)) for rid, (kind, target, mode) in found.items()
                if kind.endswith(_FOLLOWED)}


_FOLLOWED = ("/officeDocument", "/worksheet", "/sharedStrings", "/styles", "/chartsheet")


def _resolve(rels_part: str, folder: str, rid: str, target: str, mode: str) -> str:
    """A relationship target as a part name; targets outside the package are refused."""
    where = f"relationship {rid!r} in {rels_part!r}"
    split = urlsplit(target)
    if mode == "External" or split.scheme or split.netloc:
        raise PackageError(f"{where} points outside the workbook (to {target!r}); expected a part inside it")
    path = unquote(split.path)
    joined = posixpath.normpath(path.lstrip("/") if path.startswith("/") else posixpath.join(folder, path))
    if joined in (".", "") or joined.startswith("../") or joined == ".." or joined.startswith("/"):
        raise PackageError(f"{where} points outside the workbook (to {target!r}); expected a part inside it")
    return joined


def parse(package: Package, part: str, parse_stream):
    """Run a parser over a part's stream, turning damage and hostile XML into PackageError."""
    stream = package.open(part)
    try:
        with stream:
            return parse_stream(stream)
    except safexml.XmlRefused as exc:
        raise PackageError(f"part {part!r} is refused: {exc}") from None
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise PackageError(f"part {part!r} of the zip is damaged ({exc})") from None
