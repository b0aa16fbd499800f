"""Build heading-scoped sections from structured documents (Markdown, HTML, DOCX, EPUB)."""

from __future__ import annotations

from markdown_it import MarkdownIt

from knowledge.domain.model import Section

_HEADING_SEPARATOR = " › "


class SectionBuilder:
    """Collects paragraphs under the current heading path; a new heading starts a section."""

    def __init__(self, page: int | None = None) -> None:
        self._page = page
        self._path: list[tuple[int, str]] = []
        self._lines: list[str] = []
        self._sections: list[Section] = []

    def heading(self, level: int, text: str) -> None:
        text = " ".join(text.split())
        if not text:
            return
        self._flush()
        self._path = [(lvl, t) for lvl, t in self._path if lvl < level] + [(level, text)]
        self._lines.append(text)

    def paragraph(self, text: str) -> None:
        text = text.strip()
        if text:
            self._lines.append(text)

    def set_page(self, page: int | None) -> None:
        self._flush()
        self._page = page

    def build(self) -> list[Section]:
        self._flush()
        return self._sections

    def _flush(self) -> None:
        text = "\n\n".join(self._lines).strip()
        if text:
            heading = _HEADING_SEPARATOR.join(t for _, t in self._path) or None
            self._sections.append(Section(text=text, page=self._page, heading=heading))
        self._lines = []


def markdown_sections(source: str) -> list[Section]:
    """Split Markdown at its headings (parsed by markdown-it, so code blocks don't count)."""
    lines = source.splitlines()
    builder = SectionBuilder()
    tokens = MarkdownIt("commonmark").enable("table").parse(source)
    cursor = 0
    for index, token in enumerate(tokens):
        if token.type != "heading_open" or token.map is None:
            continue
        start, end = token.map
        builder.paragraph("\n".join(lines[cursor:start]))
        builder.heading(int(token.tag[1]), tokens[index + 1].content)
        cursor = end
    builder.paragraph("\n".join(lines[cursor:]))
    return builder.build()
