"""PDF text layer, page by page, with page numbers kept."""

from __future__ import annotations

import logging
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from knowledge.errors import CorruptFile, EmptyFile
from knowledge.extraction.progress import Progress
from knowledge.model import Extracted, Section

log = logging.getLogger(__name__)


def extract_pdf(path: Path, mime: str, progress: Progress) -> Extracted:
    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise CorruptFile("the PDF is password-protected")
        total = len(reader.pages)
        sections = []
        for number, page in enumerate(reader.pages, start=1):
            progress(f"Reading page {number}/{total}", number, total)
            text = (page.extract_text() or "").strip()
            if text:
                sections.append(Section(text=text, page=number))
        title = (reader.metadata.title if reader.metadata else None) or None
    except CorruptFile:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        log.info("pdf unreadable: %s", exc)
        raise CorruptFile("the PDF is damaged and cannot be read") from exc
    if not sections:
        raise EmptyFile("the PDF has no text layer (a scan?); send its pages as photos")
    return Extracted(kind="pdf", mime=mime, sections=sections, pages=total, title=title)
