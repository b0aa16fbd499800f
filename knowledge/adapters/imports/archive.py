"""Zips from outside, opened within limits: the files a zip's central directory lists are
counted (and their compression checked) before Python's zipfile builds an entry for each,
and every byte taken out is counted as it is written (never the size a member claims)."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path
from typing import IO

from knowledge.adapters.imports.json_stream import unreadable_as
from knowledge.domain.errors import ImportUnreadable
from knowledge.domain.model import ImportLimits

CENTRAL = b"PK\x01\x02"
MAX_DIRECTORY = 32 << 20  # a central directory past this is no export's
METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)  # bzip2 and LZMA inflate unbounded
ENCRYPTED = 0x1


def open_zip(path: Path, limits: ImportLimits) -> zipfile.ZipFile:
    """The zip, once its central directory (found as zipfile finds it) lists at most
    `limits.entries` files, every one stored or deflated, none encrypted: counted record by
    record before zipfile builds an entry for each, whatever the end record claims."""
    listed(path, limits.entries)
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportUnreadable(f"the zip is damaged: {exc}") from exc


def listed(path: Path, limit: int) -> int:
    """How many files the zip's central directory lists; ImportUnreadable past `limit`,
    for a compression other than stored or deflate, or an encrypted member."""
    try:
        with path.open("rb") as handle:
            end = zipfile._EndRecData(handle)  # type: ignore[attr-defined]  # zipfile's own
            if not end:
                raise ImportUnreadable("the zip is damaged (no end record)")
            size, offset = end[zipfile._ECD_SIZE], end[zipfile._ECD_OFFSET]  # type: ignore[attr-defined]
            start = end[zipfile._ECD_LOCATION] - size  # type: ignore[attr-defined]
            if end[zipfile._ECD_SIGNATURE] == zipfile.stringEndArchive64:  # type: ignore[attr-defined]
                start -= zipfile.sizeEndCentDir64 + zipfile.sizeEndCentDir64Locator  # type: ignore[attr-defined]
            if size > MAX_DIRECTORY or size < 0 or start < 0 or offset < 0:
                raise ImportUnreadable("the zip's table of contents is too large or damaged")
            handle.seek(start)
            directory = handle.read(size)
    except OSError as exc:
        raise ImportUnreadable(f"the zip could not be read: {exc}") from exc
    count = position = 0
    while position + 46 <= len(directory):
        if directory[position : position + 4] != CENTRAL:
            raise ImportUnreadable("the zip is damaged (a bad table of contents)")
        flags, method = struct.unpack("<HH", directory[position + 8 : position + 12])
        name, extra, comment = struct.unpack("<HHH", directory[position + 28 : position + 34])
        if method not in METHODS or flags & ENCRYPTED:
            raise ImportUnreadable("the zip uses a compression or encryption that is not read")
        count += 1
        if count > limit:
            raise ImportUnreadable(f"the zip lists over {limit} files, more than allowed")
        position += 46 + name + extra + comment
    return count


class Budget:
    """Bytes an import may still take out of its zip, counted as written."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.left = limit

    def copy(self, source: IO[bytes], target: Path) -> int:
        """Copy `source` into a new file `target` (0600), spending the budget;
        ImportUnreadable (the partial file removed) once it runs out."""
        written = 0
        try:
            with target.open("xb") as out, unreadable_as(target.name):
                while piece := source.read(1 << 20):
                    written += len(piece)
                    if written > self.left:
                        raise ImportUnreadable(f"the zip unpacks to over {self.limit >> 20} MB")
                    out.write(piece)
        except BaseException:
            target.unlink(missing_ok=True)
            raise
        self.left -= written
        return written

    def read(self, source: IO[bytes], cap: int, name: str) -> bytes:
        """A small member (a manifest) read whole, at most `cap` bytes."""
        with unreadable_as(name):
            data = source.read(cap + 1)
        if len(data) > cap:
            raise ImportUnreadable(f"{name} is over {cap >> 10} KB")
        self.left -= len(data)
        return data
