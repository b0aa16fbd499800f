"""Extraction of every supported type, with type detection from content."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from knowledge.adapters.extraction import TesseractOcr, extract
from knowledge.adapters.extraction.detect import detect_kind
from knowledge.domain.errors import CorruptFile, EmptyFile, UnsupportedFile
from tests.samples import Sample, make_pdf

LANGS = "eng+rus+spa+chi_sim"
OCR = TesseractOcr(LANGS)


def _by_suffix(samples: list[Sample], suffix: str) -> Sample:
    return next(s for s in samples if s.path.suffix == suffix)


def test_pdf_keeps_page_numbers(samples: list[Sample]) -> None:
    sample = _by_suffix(samples, ".pdf")
    extracted = extract(sample.path, ocr=OCR)
    assert extracted.kind == "pdf"
    assert extracted.pages == 8
    page = next(s for s in extracted.sections if "24 volts" in s.text)
    assert page.page == 5
    assert [s.page for s in extracted.sections] == list(range(1, 9))


def test_pdf_progress_reports_every_page(samples: list[Sample]) -> None:
    seen: list[tuple[int, int]] = []
    extract(
        _by_suffix(samples, ".pdf").path,
        ocr=OCR,
        progress=lambda message, done, total: seen.append((done, total)),
    )
    assert seen == [(n, 8) for n in range(1, 9)]


def test_pdf_with_cyrillic_text(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "ru.pdf", {1: "Рекомендуемое напряжение — 24 вольта."}, total=1)
    extracted = extract(path, ocr=OCR)
    assert "Рекомендуемое напряжение" in extracted.sections[0].text


def test_docx_sections_under_headings(samples: list[Sample]) -> None:
    extracted = extract(_by_suffix(samples, ".docx").path, ocr=OCR)
    assert extracted.kind == "docx"
    assert extracted.title == "Trip plans"
    hotel = next(s for s in extracted.sections if "Casa Azul" in s.text)
    assert hotel.heading == "Hotel"


def test_epub_chapters_in_order(samples: list[Sample]) -> None:
    extracted = extract(_by_suffix(samples, ".epub").path, ocr=OCR)
    assert extracted.kind == "epub"
    assert extracted.title == "Stories of the coast"
    headings = [s.heading for s in extracted.sections]
    assert headings.index("The harbour") < headings.index("The lighthouse")
    cat = next(s for s in extracted.sections if "Biscuit" in s.text)
    assert cat.heading == "The lighthouse"


def test_html_drops_scripts_and_keeps_heading_path(samples: list[Sample]) -> None:
    extracted = extract(_by_suffix(samples, ".html").path, ocr=OCR)
    text = "\n".join(s.text for s in extracted.sections)
    assert "SCRIPT_ONLY_TEXT" not in text
    wifi = next(s for s in extracted.sections if "otter-lantern-58" in s.text)
    assert wifi.heading == "Cabin notes › Internet"
    assert extracted.title == "Cabin"


def test_markdown_heading_path(samples: list[Sample]) -> None:
    extracted = extract(_by_suffix(samples, ".md").path, ocr=OCR)
    assert extracted.kind == "markdown"
    tomatoes = next(s for s in extracted.sections if "April 14" in s.text)
    assert tomatoes.heading == "Garden › Tomatoes"


def test_plain_text(samples: list[Sample]) -> None:
    extracted = extract(_by_suffix(samples, ".txt").path, ocr=OCR)
    assert extracted.kind == "text"
    assert "Dr. Alvarez" in extracted.sections[0].text


def test_photo_ocr_exif_and_size(samples: list[Sample]) -> None:
    extracted = extract(_by_suffix(samples, ".jpg").path, ocr=OCR)
    assert extracted.kind == "image"
    assert extracted.meta["taken_at"] == "2026-11-20T08:12:00"
    assert extracted.meta["width"] > 1000
    assert "B3" in extracted.sections[0].text
    assert "117" in extracted.sections[0].text


def test_type_comes_from_content_not_name(samples: list[Sample], tmp_path: Path) -> None:
    disguised = tmp_path / "holiday.txt"
    shutil.copy(_by_suffix(samples, ".pdf").path, disguised)
    assert detect_kind(disguised)[0] == "pdf"
    named_pdf = tmp_path / "notes.pdf"
    shutil.copy(_by_suffix(samples, ".md").path, named_pdf)
    assert detect_kind(named_pdf)[0] == "markdown"


def test_binary_named_txt_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "data.txt"
    path.write_bytes(random.Random(7).randbytes(64 * 1024))
    with pytest.raises(UnsupportedFile):
        extract(path, ocr=OCR)


def test_truncated_pdf_is_corrupt(samples: list[Sample], tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(_by_suffix(samples, ".pdf").path.read_bytes()[:900])
    with pytest.raises((CorruptFile, EmptyFile)):
        extract(path, ocr=OCR)


def test_encrypted_pdf_is_refused_clearly(samples: list[Sample], tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(_by_suffix(samples, ".pdf").path))
    writer.encrypt("secret")
    path = tmp_path / "locked.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    with pytest.raises(CorruptFile, match="password"):
        extract(path, ocr=OCR)


def test_latin1_text_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "old.txt"
    text = (
        "El año pasado, la señorita Núñez preparó café con leche para toda la familia. "
        "Después de la cena, los niños jugaron en el jardín hasta la medianoche. "
    ) * 3
    path.write_bytes(text.encode("latin-1"))
    extracted = extract(path, ocr=OCR)
    assert "año" in extracted.sections[0].text


def test_malformed_docx_is_a_clear_error(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "bad.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<not xml")
    with pytest.raises(CorruptFile, match="Word document"):
        extract(path, ocr=OCR)
