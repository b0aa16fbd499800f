"""Read text out of a file whose type is detected from its content."""

from __future__ import annotations

import logging
from pathlib import Path

from knowledge.errors import CorruptFile, MnemoError
from knowledge.extraction.detect import check_unpacked_size, detect_kind
from knowledge.extraction.docx import extract_docx
from knowledge.extraction.epub import extract_epub
from knowledge.extraction.html import extract_html
from knowledge.extraction.image import extract_image
from knowledge.extraction.pdf import extract_pdf
from knowledge.extraction.progress import Progress, no_progress
from knowledge.extraction.text import extract_markdown, extract_text
from knowledge.model import Extracted, ReadLimits

__all__ = ["DEFAULT_LIMITS", "Progress", "extract", "no_progress"]

log = logging.getLogger(__name__)
DEFAULT_LIMITS = ReadLimits()

KIND_NAMES = {
    "pdf": "PDF",
    "docx": "Word document",
    "epub": "EPUB book",
    "html": "web page",
    "markdown": "Markdown file",
    "text": "text file",
    "image": "image",
}


def extract(
    path: Path,
    *,
    ocr_languages: str,
    progress: Progress = no_progress,
    limits: ReadLimits = DEFAULT_LIMITS,
) -> Extracted:
    """Extract sections from a supported file; raises a MnemoError for anything else."""
    kind, mime = detect_kind(path)
    try:
        return _extract(path, kind, mime, ocr_languages, progress, limits)
    except MnemoError:
        raise
    except Exception as exc:  # a parser's own error on malformed input
        log.warning("could not extract %s file: %s: %s", kind, type(exc).__name__, exc)
        raise CorruptFile(f"the {KIND_NAMES[kind]} is damaged and cannot be read") from exc


def _extract(
    path: Path, kind: str, mime: str, ocr_languages: str, progress: Progress, limits: ReadLimits
) -> Extracted:
    if kind == "pdf":
        return extract_pdf(path, mime, progress, max_pages=limits.max_pages)
    if kind in ("epub", "docx"):
        check_unpacked_size(path, limits.max_unpacked_mb, KIND_NAMES[kind])
    if kind == "epub":
        return extract_epub(path, mime, progress)
    if kind == "docx":
        return extract_docx(path, mime)
    if kind == "html":
        return extract_html(path, mime)
    if kind == "markdown":
        return extract_markdown(path, mime)
    if kind == "image":
        return extract_image(path, mime, ocr_languages, max_megapixels=limits.max_megapixels)
    return extract_text(path, mime)
