"""HTML (and the XHTML chapters of EPUB books): visible text under its headings."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup, Tag

from knowledge.adapters.extraction.sections import SectionBuilder
from knowledge.adapters.extraction.text import decode_text
from knowledge.domain.model import Extracted, Section

_INVISIBLE = ("script", "style", "noscript", "template", "head", "svg", "iframe", "object")
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_BLOCKS = ("p", "li", "pre", "blockquote", "td", "th", "dt", "dd", "figcaption", "caption")


def html_sections(markup: str | bytes, builder: SectionBuilder | None = None) -> list[Section]:
    builder = builder or SectionBuilder()
    soup = BeautifulSoup(markup, "lxml")
    for tag in soup.find_all(_INVISIBLE):
        tag.decompose()
    body = soup.body or soup
    for element in body.find_all([*_HEADINGS, *_BLOCKS]):
        if not isinstance(element, Tag) or element.find_parent(_BLOCKS):
            continue
        text = element.get_text(" ", strip=True)
        if element.name in _HEADINGS:
            builder.heading(_HEADINGS[element.name], text)
        else:
            builder.paragraph(text)
    if not builder.build():
        builder.paragraph(body.get_text("\n", strip=True))
    return builder.build()


def html_title(markup: str | bytes) -> str | None:
    soup = BeautifulSoup(markup, "lxml")
    return soup.title.get_text(strip=True) if soup.title and soup.title.string else None


def extract_html(path: Path, mime: str) -> Extracted:
    markup = decode_text(path.read_bytes())
    return Extracted(
        kind="html", mime=mime, sections=html_sections(markup), title=html_title(markup)
    )
