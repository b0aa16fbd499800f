"""A folder of notes (an Obsidian vault, a Markdown folder, any folder of supported files)
read as import items.

A Markdown note is dated by its front matter (`date`, `created`), else by a daily note's
file name (2024-03-05.md), else by the file's time; its `tags` are kept as a line of text;
wikilinks and embeds read as their text ([[Cabin|the cabin]] → the cabin). Other files are
ingested as they are. `.obsidian/`, hidden files and folders, and what Obsidian's
`userIgnoreFilters` or a `.mnemoignore` (glob patterns) name are skipped. Each file is keyed
by the folder and its path in it, with its content hash as its version.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import logging
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml

from knowledge.domain.model import ImportItem
from knowledge.domain.names import inside
from knowledge.domain.ports import OpenedImport

log = logging.getLogger(__name__)
NOTES = {".md", ".markdown"}
FILES = {".txt", ".pdf", ".docx", ".html", ".htm", ".epub", ".png", ".jpg", ".jpeg", ".webp"}
FILES |= {".gif", ".bmp", ".tif", ".tiff"}
AUDIO = {".ogg", ".oga", ".opus", ".mp3", ".m4a", ".wav", ".flac"}
SKIPPED_FOLDERS = {"node_modules", "__pycache__"}
FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*(?:\n|\Z)", re.DOTALL)
EMBED_OR_LINK = re.compile(r"!?\[\[([^\]|#^]+)(?:[#^][^\]|]*)?(?:\|([^\]]*))?\]\]")
DAY_IN_NAME = re.compile(r"(?<!\d)(\d{4})[-_.](\d{2})[-_.](\d{2})(?!\d)")


def opened(root: Path, workdir: Path) -> OpenedImport:
    root = root.resolve()
    ignored = _ignore_patterns(root)
    files = [path for path in _walk(root, root, ignored)]
    scope = str(root)
    return OpenedImport(
        kind="folder",
        items=(_item(root, path, workdir, scope) for path in files),
        total=len(files),
        scope=scope,
    )


def _walk(folder: Path, root: Path, ignored: list[str]) -> Iterator[Path]:
    for path in sorted(folder.iterdir()):
        relative = path.relative_to(root).as_posix()
        if path.name.startswith(".") or path.is_symlink() or _is_ignored(relative, ignored):
            continue
        if path.is_dir():
            if path.name not in SKIPPED_FOLDERS:
                yield from _walk(path, root, ignored)
        elif path.suffix.lower() in NOTES | FILES | AUDIO:
            yield path


def _ignore_patterns(root: Path) -> list[str]:
    patterns: list[str] = []
    app = root / ".obsidian" / "app.json"
    try:
        filters = json.loads(app.read_text(encoding="utf-8")).get("userIgnoreFilters") or []
        patterns += [str(entry) for entry in filters]
    except (OSError, ValueError, AttributeError):
        pass
    own = root / ".mnemoignore"
    if own.is_file():
        lines = own.read_text(encoding="utf-8", errors="replace").splitlines()
        patterns += [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    return patterns


def _is_ignored(relative: str, patterns: list[str]) -> bool:
    for pattern in patterns:
        if pattern.startswith("/") and pattern.endswith("/") and len(pattern) > 2:
            if re.search(pattern[1:-1], relative):  # Obsidian's /regex/ filters
                return True
        elif relative.startswith(pattern.rstrip("*")) or fnmatch.fnmatch(relative, pattern):
            return True
    return False


def _item(root: Path, path: Path, workdir: Path, scope: str) -> ImportItem:
    relative = path.relative_to(root).as_posix()
    source = "folder:" + hashlib.sha256(f"{scope}\0{relative}".encode()).hexdigest()[:40]
    meta: dict[str, Any] = {"folder": scope, "path": relative}
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return ImportItem(source, _file_time(path), label=relative, problem=str(exc), meta=meta)
    version = hashlib.sha256(raw).hexdigest()
    if path.suffix.lower() not in NOTES:
        return ImportItem(
            source,
            _named_day(path) or _file_time(path),
            file=path,
            name=path.name,
            spoken=path.suffix.lower() in AUDIO,
            version=version,
            meta=meta,
            label=relative,
        )
    text = raw.decode("utf-8", errors="replace")
    front, body = front_matter(text)
    written = _front_date(front) or _named_day(path) or _file_time(path)
    tags = _tags(front)
    if tags:
        meta["tags"] = tags
    words = readable(body)
    if tags:
        words = f"Tags: {', '.join(tags)}\n\n{words}"
    cleaned = inside(workdir, f"{version[:16]}-{path.name}")
    cleaned.write_text(words, encoding="utf-8")
    return ImportItem(
        source,
        written,
        file=cleaned,
        name=path.name,
        version=version,
        meta=meta,
        label=relative,
    )


def front_matter(text: str) -> tuple[dict[str, Any], str]:
    """A note's YAML front matter (empty when it has none or it is broken) and its body."""
    match = FRONT_MATTER.match(text)
    if not match:
        return {}, text
    try:
        data = yaml.safe_load(match.group(1))
    except yaml.YAMLError:
        log.info("broken front matter kept as text")
        return {}, text
    return (data if isinstance(data, dict) else {}), text[match.end() :]


def readable(markdown: str) -> str:
    """Wikilinks and embeds as their text: [[Cabin|the cabin]] → the cabin, ![[a.png]] → a.png."""
    return EMBED_OR_LINK.sub(lambda m: (m.group(2) or m.group(1)).strip(), markdown)


def _front_date(front: dict[str, Any]) -> datetime | None:
    for key in ("date", "created", "created_at", "Date", "Created"):
        value = front.get(key)
        if isinstance(value, datetime):
            return value if value.tzinfo else value.replace(tzinfo=UTC)
        if isinstance(value, date):
            return datetime(value.year, value.month, value.day, 12, tzinfo=UTC)
        if isinstance(value, str):
            try:
                parsed = datetime.fromisoformat(value.strip())
            except ValueError:
                continue
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def _tags(front: dict[str, Any]) -> list[str]:
    tags = front.get("tags") or front.get("tag") or []
    if isinstance(tags, str):
        tags = re.split(r"[,\s]+", tags)
    return (
        [str(tag).lstrip("#") for tag in tags if str(tag).strip()] if isinstance(tags, list) else []
    )


def _named_day(path: Path) -> datetime | None:
    match = DAY_IN_NAME.search(path.stem)
    if not match:
        return None
    try:
        year, month, day = (int(part) for part in match.groups())
        return datetime(year, month, day, 12, tzinfo=UTC)
    except ValueError:
        return None


def _file_time(path: Path) -> datetime:
    try:
        return datetime.fromtimestamp(path.stat().st_mtime, UTC)
    except OSError:
        return datetime.now(UTC)
