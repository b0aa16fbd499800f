"""EPUB books: chapters in reading order, each an HTML document."""

from __future__ import annotations

import zipfile
from pathlib import Path

import ebooklib
from ebooklib import epub

from knowledge.adapters.extraction.detect import damaged
from knowledge.adapters.extraction.html import html_sections
from knowledge.domain.model import Extracted, Section
from knowledge.domain.ports import Progress


def extract_epub(path: Path, mime: str, progress: Progress) -> Extracted:
    try:
        book = epub.read_epub(str(path), options={"ignore_ncx": True})
    except (ebooklib.epub.EpubException, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise damaged("epub") from exc
    items = [book.get_item_with_id(item_id) for item_id, _ in book.spine]
    chapters = [item for item in items if item is not None]
    sections: list[Section] = []
    for number, chapter in enumerate(chapters, start=1):
        progress(f"Reading chapter {number}/{len(chapters)}", number, len(chapters))
        sections.extend(html_sections(chapter.get_content()))
    titles = book.get_metadata("DC", "title")
    title = titles[0][0] if titles else None
    return Extracted(kind="epub", mime=mime, sections=sections, title=title)
