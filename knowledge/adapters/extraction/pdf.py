"""PDF text layer, page by page, with page numbers kept, read by PDFium (pypdfium2)."""

from __future__ import annotations

import logging
import re
import threading
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from knowledge.adapters.extraction.detect import damaged
from knowledge.domain.errors import CorruptFile, EmptyFile, FileTooLarge
from knowledge.domain.model import Extracted, Section
from knowledge.domain.ports import Progress

log = logging.getLogger(__name__)

# PDFium is not thread-safe: one document is read at a time in this process.
_pdfium = threading.Lock()
# Control characters PDFium leaves in text (soft-hyphen markers, form feeds), but not \t or \n.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]")


def extract_pdf(path: Path, mime: str, progress: Progress, *, max_pages: int) -> Extracted:
    with _pdfium:
        try:
            document = pdfium.PdfDocument(path)
        except pdfium.PdfiumError as exc:
            log.info("pdf unreadable: %s", exc)
            if exc.err_code == pdfium_c.FPDF_ERR_PASSWORD:
                raise CorruptFile("the PDF is password-protected", "pdf_encrypted") from exc
            raise damaged("pdf") from exc
        try:
            total = len(document)
            if total > max_pages:
                raise FileTooLarge(
                    f"the PDF has {total} pages, over the {max_pages}-page limit",
                    "too_many_pages",
                    pages=total,
                    limit=max_pages,
                )
            sections = []
            for number in range(1, total + 1):
                progress(f"Reading page {number}/{total}", number, total)
                text = _page_text(document, number - 1)
                if text:
                    sections.append(Section(text=text, page=number))
            title = document.get_metadata_value("Title").strip() or None
        finally:
            document.close()
    if not sections:
        raise EmptyFile("the PDF has no text layer (a scan?); send its pages as photos", "pdf_scan")
    return Extracted(kind="pdf", mime=mime, sections=sections, pages=total, title=title)


def _page_text(document: pdfium.PdfDocument, index: int) -> str:
    page = document[index]
    try:
        textpage = page.get_textpage()
        try:
            text = textpage.get_text_range()
        finally:
            textpage.close()
    finally:
        page.close()
    return _CONTROL.sub("", text.replace("\r\n", "\n")).strip()
