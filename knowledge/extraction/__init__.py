"""Read text out of a file whose type is detected from its content."""

from __future__ import annotations

from pathlib import Path

from knowledge.extraction.detect import detect_kind
from knowledge.extraction.docx import extract_docx
from knowledge.extraction.epub import extract_epub
from knowledge.extraction.html import extract_html
from knowledge.extraction.image import extract_image
from knowledge.extraction.pdf import extract_pdf
from knowledge.extraction.progress import Progress, no_progress
from knowledge.extraction.text import extract_markdown, extract_text
from knowledge.model import Extracted

__all__ = ["Progress", "extract", "no_progress"]


def extract(path: Path, *, ocr_languages: str, progress: Progress = no_progress) -> Extracted:
    """Extract sections from a supported file; raises a MnemoError for anything else."""
    kind, mime = detect_kind(path)
    if kind == "pdf":
        return extract_pdf(path, mime, progress)
    if kind == "epub":
        return extract_epub(path, mime, progress)
    if kind == "docx":
        return extract_docx(path, mime)
    if kind == "html":
        return extract_html(path, mime)
    if kind == "markdown":
        return extract_markdown(path, mime)
    if kind == "image":
        return extract_image(path, mime, ocr_languages)
    return extract_text(path, mime)
