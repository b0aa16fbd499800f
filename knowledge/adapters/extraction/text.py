"""Plain text and Markdown."""

from __future__ import annotations

from pathlib import Path

from charset_normalizer import from_bytes

from knowledge.adapters.extraction.sections import markdown_sections
from knowledge.domain.errors import CorruptFile
from knowledge.domain.model import Extracted, Section

# Among encodings charset-normalizer finds equally likely, the ones our users' files are in.
_PREFERRED = ("cp1252", "cp1251", "koi8_r", "gb18030", "big5")


def decode_text(raw: bytes) -> str:
    """UTF-8 first; otherwise the encoding charset-normalizer finds; never a crash."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        matches = list(from_bytes(raw))
    if not matches:
        raise CorruptFile("the text is not in any encoding I can read", "undecodable")
    best = matches[0]
    tied = [m for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence)]
    tied.sort(key=lambda m: _PREFERRED.index(m.encoding) if m.encoding in _PREFERRED else 99)
    return str(tied[0])


def extract_text(path: Path, mime: str) -> Extracted:
    text = decode_text(path.read_bytes())
    return Extracted(kind="text", mime=mime, sections=[Section(text=text.strip())])


def extract_markdown(path: Path, mime: str) -> Extracted:
    text = decode_text(path.read_bytes())
    sections = markdown_sections(text)
    title = next((s.heading for s in sections if s.heading), None)
    return Extracted(kind="markdown", mime=mime, sections=sections, title=title)
