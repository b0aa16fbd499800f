"""Photos and scans: EXIF time, dimensions and the text OCR reads from them.

OCR is Debian's tesseract (eng+rus+spa+chi_sim). RapidOCR was tried on the same photos of
text: its bundled models read no Cyrillic ("PeKOMeHnyeMoe HanpKeHNe") and dropped spaces in
English and Spanish, at 3-7 s per photo here; tesseract, after grayscale and a median
filter, read all of them exactly in 1-2 s. See docs/DESIGN_NOTES.md (Models).
"""

from __future__ import annotations

import logging
import re
import shutil
from datetime import datetime
from pathlib import Path

import pytesseract
from PIL import Image, ImageFilter, ImageOps, UnidentifiedImageError
from PIL.ExifTags import Base as ExifTag

from knowledge.adapters.extraction.detect import damaged
from knowledge.domain.errors import FileTooLarge
from knowledge.domain.model import Extracted, Section
from knowledge.domain.ports import Ocr

log = logging.getLogger(__name__)

_MAX_OCR_SIDE = 3000
_EXIF_TIME_FORMAT = "%Y:%m:%d %H:%M:%S"
# A line OCR reads in a photo with no writing (an edge, a plate's rim) is a letter or two:
# only lines with a word of three or more letters (or characters) are kept.
_WORDLIKE = re.compile(r"\w{3,}")


def _exif_time(image: Image.Image) -> datetime | None:
    exif = image.getexif()
    raw = exif.get_ifd(0x8769).get(ExifTag.DateTimeOriginal) or exif.get(ExifTag.DateTime)
    if not raw:
        return None
    try:
        return datetime.strptime(str(raw).strip("\x00 "), _EXIF_TIME_FORMAT)
    except ValueError:
        return None


def _prepare_for_ocr(image: Image.Image) -> Image.Image:
    gray = ImageOps.autocontrast(ImageOps.grayscale(ImageOps.exif_transpose(image)))
    if max(gray.size) > _MAX_OCR_SIDE:
        gray.thumbnail((_MAX_OCR_SIDE, _MAX_OCR_SIDE))
    return gray.filter(ImageFilter.MedianFilter(3))


class TesseractOcr:
    """The `Ocr` port over tesseract; `languages` as tesseract names them (eng+rus)."""

    def __init__(self, languages: str) -> None:
        self._languages = languages

    def read_text(self, image: Image.Image) -> str:
        """Text read from an image; empty when tesseract is missing or reads nothing."""
        if shutil.which("tesseract") is None:
            log.warning("tesseract is not installed: photos are stored without OCR text")
            return ""
        prepared = _prepare_for_ocr(image)
        languages = self._languages
        text = pytesseract.image_to_string(prepared, lang=languages, timeout=120).strip()
        if not text:
            text = pytesseract.image_to_string(
                prepared, lang=languages, config="--psm 6", timeout=120
            ).strip()
        lines = (" ".join(line.split()) for line in text.splitlines())
        return "\n".join(line for line in lines if _WORDLIKE.search(line))


def extract_image(path: Path, mime: str, ocr: Ocr, *, max_megapixels: int) -> Extracted:
    too_large = FileTooLarge(
        f"the image is over the {max_megapixels}-megapixel limit",
        "too_many_megapixels",
        limit=max_megapixels,
    )
    try:
        with Image.open(path) as image:
            if image.width * image.height > max_megapixels * 1_000_000:  # from the header
                raise too_large
            image.load()
            taken_at = _exif_time(image)
            width, height = image.size
            text = ocr.read_text(image)
    except Image.DecompressionBombError as exc:  # Pillow's own guard, at open
        raise too_large from exc
    except (UnidentifiedImageError, OSError) as exc:
        raise damaged("image") from exc
    meta: dict[str, object] = {"width": width, "height": height, "ocr_text": text[:1000]}
    if taken_at:
        meta["taken_at"] = taken_at.isoformat()
    header = f"Photo {width}x{height}" + (f", taken {taken_at:%Y-%m-%d %H:%M}" if taken_at else "")
    body = f"{header}\n{text}" if text else header
    return Extracted(kind="image", mime=mime, sections=[Section(text=body)], meta=meta)
