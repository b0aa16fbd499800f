"""Originals kept on disk, per user and content-addressed by sha256; writes are atomic."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO


class FileStore:
    def __init__(self, root: Path) -> None:
        self._root = root

    def path(self, user_id: int, sha256: str) -> Path:
        if not _is_digest(sha256):
            raise ValueError("not a sha256 digest")
        return self._root / str(int(user_id)) / sha256[:2] / sha256

    def put(self, user_id: int, source: Path, sha256: str) -> Path:
        """Copy `source` in (fsynced, then renamed); a no-op when it is already kept."""
        target = self.path(user_id, sha256)
        if target.is_file():
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        with source.open("rb") as src:
            write_atomically(target, lambda out: shutil.copyfileobj(src, out, 1 << 20))
        return target

    def delete(self, user_id: int, sha256: str) -> None:
        self.path(user_id, sha256).unlink(missing_ok=True)

    def delete_user(self, user_id: int) -> None:
        shutil.rmtree(self._root / str(int(user_id)), ignore_errors=True)

    def scan(self) -> Iterator[tuple[int, str | None, Path]]:
        """Every file kept: (user, sha256, path); sha256 is None for anything that is not an
        original (a temp file a crash left behind, or a stranger)."""
        if not self._root.is_dir():
            return
        for folder in sorted(self._root.iterdir()):
            if not folder.is_dir() or not folder.name.isdigit():
                continue
            for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                name = path.name
                kept = path == self.path(int(folder.name), name) if _is_digest(name) else False
                yield int(folder.name), name if kept else None, path


def write_atomically(target: Path, fill: Callable[[BinaryIO], object]) -> None:
    """Write `target` through `fill` so that a kill -9 leaves the old file or the new one,
    whole: a temp file beside it, fsynced, then renamed over it."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as out:
            fill(out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
        _fsync_dir(target.parent)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _is_digest(name: str) -> bool:
    return len(name) == 64 and all(c in "0123456789abcdef" for c in name)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
