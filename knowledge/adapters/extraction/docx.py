"""Word documents: paragraphs under their heading styles, and tables."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
from docx.opc.exceptions import PackageNotFoundError

from knowledge.adapters.extraction.detect import damaged
from knowledge.adapters.extraction.sections import SectionBuilder
from knowledge.domain.model import Extracted


def _heading_level(style_name: str) -> int | None:
    if style_name == "Title":
        return 1
    if style_name.startswith("Heading "):
        suffix = style_name.removeprefix("Heading ")
        return int(suffix) if suffix.isdigit() else None
    return None


def extract_docx(path: Path, mime: str) -> Extracted:
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise damaged("docx") from exc
    builder = SectionBuilder()
    for paragraph in document.paragraphs:
        level = _heading_level(paragraph.style.name if paragraph.style else "")
        if level:
            builder.heading(level, paragraph.text)
        else:
            builder.paragraph(paragraph.text)
    for table in document.tables:
        for row in table.rows:
            builder.paragraph(" | ".join(cell.text.strip() for cell in row.cells))
    title = document.core_properties.title or None
    return Extracted(kind="docx", mime=mime, sections=builder.build(), title=title)
