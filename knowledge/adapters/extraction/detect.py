"""Tell a file's type from its content (libmagic), never from its name."""

from __future__ import annotations

import zipfile
from pathlib import Path

import magic
from markdown_it import MarkdownIt

from knowledge.adapters.imports.archive import listed
from knowledge.domain.errors import CorruptFile, FileTooLarge, ImportUnreadable, UnsupportedFile

_MIME_KIND = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/epub+zip": "epub",
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/markdown": "markdown",
    "text/x-markdown": "markdown",
}
# Containers libmagic names without "audio/": Telegram's voice notes are Ogg/Opus, video
# notes and m4a are MP4, some recorders write WebM or Matroska.
_AUDIO_CONTAINERS = {
    "application/ogg",
    "video/mp4",
    "video/webm",
    "video/x-matroska",
    "video/quicktime",
}
# A DOCX holds a few dozen files, an EPUB a few thousand; Python's zipfile builds an object
# for each one the zip lists (~1 KB), so a 20 MB upload listing 250,000 would take 250 MB
# before anything could refuse it. Counted first (imports/archive.py), without zipfile.
DOCUMENT_ENTRIES = 10_000
_MARKDOWN_BLOCKS = {"heading_open", "bullet_list_open", "ordered_list_open", "fence", "table_open"}


def detect_kind(path: Path) -> tuple[str, str]:
    """Return (kind, mime) for a file, or raise UnsupportedFile."""
    mime = magic.from_file(str(path), mime=True)
    if mime in _MIME_KIND:
        kind = _MIME_KIND[mime]
    elif mime.startswith("image/"):
        kind = "image"
    elif mime.startswith("audio/") or mime in _AUDIO_CONTAINERS:
        kind = "audio"
    elif mime in ("application/zip", "application/octet-stream") and zipfile.is_zipfile(path):
        kind = _zip_kind(path)
    elif mime.startswith("text/") or mime == "application/json":
        kind = "markdown" if _looks_like_markdown(path) else "text"
    else:
        raise UnsupportedFile(f"unsupported file type ({mime})", mime=mime)
    return kind, mime


def _counted(path: Path) -> None:
    """Refuse a zip listing more files than a document holds, before zipfile lists them."""
    try:
        listed(path, DOCUMENT_ENTRIES)
    except ImportUnreadable as exc:
        raise UnsupportedFile(f"unsupported archive: {exc}", "unsupported_archive") from exc


def _zip_kind(path: Path) -> str:
    _counted(path)
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        if "word/document.xml" in names:
            return "docx"
        if "mimetype" in names and _head(archive, "mimetype") == b"application/epub+zip":
            return "epub"
    raise UnsupportedFile("unsupported archive: not a DOCX or EPUB", "unsupported_archive")


def _head(archive: zipfile.ZipFile, name: str) -> bytes:
    with archive.open(name) as member:
        return member.read(64).strip()


def check_unpacked_size(path: Path, limit_mb: int, kind: str) -> None:
    """Refuse a zip bomb before anything unpacks it.

    The sizes come from the archive's directory; zipfile never inflates a member past the
    size declared there, so they bound what the parsers can read.
    """
    _counted(path)
    with zipfile.ZipFile(path) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > limit_mb << 20:
        raise FileTooLarge(
            f"the {KIND_NAMES[kind]} unpacks to {unpacked >> 20} MB, over the {limit_mb} MB limit",
            "unpacks_too_large",
            kind=kind,
            unpacked_mb=unpacked >> 20,
            limit_mb=limit_mb,
        )


KIND_NAMES = {
    "pdf": "PDF",
    "docx": "Word document",
    "epub": "EPUB book",
    "html": "web page",
    "markdown": "Markdown file",
    "text": "text file",
    "image": "image",
    "audio": "audio file",
}


def damaged(kind: str) -> CorruptFile:
    """The refusal of a file of a known type that its parser cannot read."""
    return CorruptFile(f"the {KIND_NAMES[kind]} is damaged and cannot be read", kind=kind)


def _looks_like_markdown(path: Path) -> bool:
    head = path.read_bytes()[:65536].decode("utf-8", errors="replace")
    tokens = MarkdownIt("commonmark").enable("table").parse(head)
    return any(token.type in _MARKDOWN_BLOCKS for token in tokens)
