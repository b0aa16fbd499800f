"""Read text out of a file whose type is detected from its content."""

from __future__ import annotations

import logging
from pathlib import Path

from knowledge.adapters.extraction.detect import check_unpacked_size, damaged, detect_kind
from knowledge.adapters.extraction.docx import extract_docx
from knowledge.adapters.extraction.epub import extract_epub
from knowledge.adapters.extraction.html import extract_html
from knowledge.adapters.extraction.image import TesseractOcr, extract_image
from knowledge.adapters.extraction.pdf import extract_pdf
from knowledge.adapters.extraction.text import extract_markdown, extract_text
from knowledge.domain.errors import MnemoError, UnsupportedFile
from knowledge.domain.model import Extracted, ReadLimits
from knowledge.domain.ports import Ocr, Progress, no_progress

__all__ = ["DEFAULT_LIMITS", "FileReader", "TesseractOcr", "extract"]

log = logging.getLogger(__name__)
DEFAULT_LIMITS = ReadLimits()


class FileReader:
    """The `Reader`: every supported type, within the limits, photos read by `ocr`."""

    def __init__(self, ocr: Ocr, limits: ReadLimits = DEFAULT_LIMITS) -> None:
        self._ocr = ocr
        self._limits = limits

    def read(self, path: Path, progress: Progress = no_progress) -> Extracted:
        return extract(path, ocr=self._ocr, progress=progress, limits=self._limits)

    def detect(self, path: Path) -> tuple[str, str]:
        return detect_kind(path)


def extract(
    path: Path,
    *,
    ocr: Ocr,
    progress: Progress = no_progress,
    limits: ReadLimits = DEFAULT_LIMITS,
) -> Extracted:
    """Extract sections from a supported file; raises a MnemoError for anything else."""
    kind, mime = detect_kind(path)
    try:
        return _extract(path, kind, mime, ocr, progress, limits)
    except MnemoError:
        raise
    except Exception as exc:  # a parser's own error on malformed input
        log.warning("could not extract %s file: %s: %s", kind, type(exc).__name__, exc)
        raise damaged(kind) from exc


def _extract(
    path: Path, kind: str, mime: str, ocr: Ocr, progress: Progress, limits: ReadLimits
) -> Extracted:
    if kind == "pdf":
        return extract_pdf(path, mime, progress, max_pages=limits.max_pages)
    if kind in ("epub", "docx"):
        check_unpacked_size(path, limits.max_unpacked_mb, kind)
    if kind == "epub":
        return extract_epub(path, mime, progress)
    if kind == "docx":
        return extract_docx(path, mime)
    if kind == "html":
        return extract_html(path, mime)
    if kind == "markdown":
        return extract_markdown(path, mime)
    if kind == "image":
        return extract_image(path, mime, ocr, max_megapixels=limits.max_megapixels)
    if kind == "audio":  # audio has no text to read: the Ingestor has it transcribed
        raise UnsupportedFile(f"unsupported file type ({mime})", mime=mime)
    return extract_text(path, mime)
