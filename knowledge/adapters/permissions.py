"""The owner's alone: every file mnemo writes is readable by its owner only.

The entry points (the bot, the `mnemo` command) set umask 077 before anything is written,
so new files are 0600 and new folders 0700; the composition root makes the data dir 0700
and, when an install from before still lets its group or others in, tightens everything
under it once. Backups and restores set their modes explicitly, whatever the umask.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path
from typing import BinaryIO

log = logging.getLogger(__name__)

PRIVATE_UMASK = 0o077
FILE_MODE = 0o600
DIR_MODE = 0o700
_OTHERS = 0o077  # the group's and the others' bits


def private_umask() -> int:
    """Set umask 077 for this process (files 0600, folders 0700); the one it replaces."""
    return os.umask(PRIVATE_UMASK)


def make_private(data_dir: Path) -> None:
    """The data dir created 0700; if it still has group or other bits (an install from
    before), every file and folder under it loses them first. The data dir is tightened
    last, so a walk cut short is done again at the next start; cheap when nothing is left."""
    private_dir(data_dir)
    if stat.S_IMODE(data_dir.stat().st_mode) & _OTHERS:
        tighten(data_dir)
        if stat.S_IMODE(data_dir.stat().st_mode) & _OTHERS:  # a file system without modes
            log.warning("%s cannot be made owner-only: its file system keeps its modes", data_dir)


def private_dir(folder: Path) -> None:
    """`folder` and any missing parents created 0700 (mode set explicitly, whatever the
    umask); a folder already there is left as it is."""
    missing = []
    for path in (folder, *folder.parents):
        if path.exists():
            break
        missing.append(path)
    for path in reversed(missing):
        try:
            path.mkdir(mode=DIR_MODE)
        except FileExistsError:
            continue
        os.chmod(path, DIR_MODE)


def tighten(top: Path) -> None:
    """Group and other bits taken from everything under `top` and `top` itself (files
    0600 as written, an owner's executable keeps its x); symlinks are neither followed
    nor changed. What cannot be changed (another owner's file) is logged, not fatal."""
    failed = 0
    for root, dirs, files in os.walk(top, followlinks=False):
        for name in (*dirs, *files):
            failed += not _drop_others(Path(root, name))
    failed += not _drop_others(top)
    if failed:
        log.warning("%d files under %s could not be made owner-only (not ours?)", failed, top)


def _drop_others(path: Path) -> bool:
    try:
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode):
            return True
        mode = stat.S_IMODE(info.st_mode)
        if mode & _OTHERS:
            os.chmod(path, mode & ~_OTHERS)
    except FileNotFoundError:  # gone since it was listed
        return True
    except OSError:  # another owner's, a read-only mount
        return False
    return True


def open_private(path: Path) -> BinaryIO:
    """`path` opened for writing (created or truncated) as 0600, whatever the umask."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
        return os.fdopen(fd, "wb")
    except BaseException:
        os.close(fd)
        raise
