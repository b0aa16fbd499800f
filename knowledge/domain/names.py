"""One rule for every name that comes from outside (a URL's last segment, a zip member, a
document id, a vault path, an uploaded file's name): what it may be called on disk, and
where a file named by it may go.

`safe_name` keeps only a base name: the part after the last separator (either slash, after
any decoding the caller did), printable, no leading dots (nothing hidden, never `.` or
`..`), at most MAX_NAME_BYTES of UTF-8 with its extension kept; a name with nothing left
is the caller's fallback. `inside` joins a safe name to a folder and refuses the result
unless it resolves inside that folder (a symlink planted there included).
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from knowledge.domain.errors import MnemoError

MAX_NAME_BYTES = 160  # well under every file system's 255, room for a prefix
MAX_SUFFIX_CHARS = 16


class UnsafeName(MnemoError):
    """A path built from an outside name would leave its folder."""

    default_code = "unsafe_name"


def safe_name(name: object, fallback: str = "file") -> str:
    """A file name made from `name` that cannot leave a folder or hide in it."""
    text = str(name or "").replace("\\", "/").rsplit("/", 1)[-1]
    kept = "".join(ch for ch in text if ch.isprintable() and not _separator_like(ch))
    while kept != (trimmed := kept.strip().lstrip(".")):  # ". .env" is hidden too
        kept = trimmed
    if not kept:
        return fallback
    return _capped(kept)


def inside(folder: Path, name: object, fallback: str = "file") -> Path:
    """`folder / safe_name(name)`, checked to resolve inside `folder`."""
    target = folder / safe_name(name, fallback)
    ensure_inside(folder, target)
    return target


def ensure_inside(folder: Path, target: Path) -> Path:
    """`target`, when it resolves inside `folder`; UnsafeName otherwise."""
    if not target.resolve().is_relative_to(folder.resolve()) or target.resolve() == (
        folder.resolve()
    ):
        raise UnsafeName(f"{target.name!r} would be written outside its folder")
    return target


def _separator_like(ch: str) -> bool:
    """Characters some systems or readers take for a path separator or an end of name."""
    return ch in "/\\\x00" or unicodedata.category(ch) in ("Zl", "Zp")


def _capped(name: str) -> str:
    if len(name.encode()) <= MAX_NAME_BYTES:
        return name
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem or len(suffix) > MAX_SUFFIX_CHARS:
        stem, suffix = name, ""
    tail = f".{suffix}" if suffix else ""
    room = MAX_NAME_BYTES - len(tail.encode())
    cut = stem.encode()[:room].decode(errors="ignore")
    return cut + tail
