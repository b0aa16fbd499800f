"""Links people send themselves, kept as what they point to: a page's article (its title,
site, date and URL with it), or the PDF or image it serves, read like an upload.

Fetching tells the site that someone looked, so it can be turned off (MNEMO_FETCH_LINKS);
the guard against private addresses is the reader's (adapters/web).
"""

from __future__ import annotations

import re
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from knowledge.domain.errors import LinkFailed
from knowledge.domain.ports import ReadsLinks
from knowledge.services.keeping.ingest import Ingestor
from knowledge.services.keeping.keeper import IngestResult, Keeper, sha256_of

URL = re.compile(r"https?://[^\s<>\"'«»“”]+", re.IGNORECASE)
TRAILING = ".,;:!?)]}»”’'\""
READING_AT_ONCE = 2  # links one user may have being read at once


def urls_in(text: str) -> list[str]:
    """The http(s) URLs in a text, in order, without the punctuation that ends a sentence."""
    found = [match.group(0).rstrip(TRAILING) for match in URL.finditer(text)]
    return list(dict.fromkeys(url for url in found if len(url) > len("https://")))


def only_a_link(text: str) -> str | None:
    """The URL when the text is nothing else."""
    words = text.split()
    urls = urls_in(text)
    return urls[0] if len(words) == 1 and len(urls) == 1 else None


class Links:
    def __init__(
        self,
        *,
        reader: ReadsLinks,
        keeper: Keeper,
        ingestor: Ingestor,
        folder: Path,
        enabled: bool,
        per_item: int = 3,
    ) -> None:
        self._reader = reader
        self._keeper = keeper
        self._ingestor = ingestor
        self._folder = folder
        self.enabled = enabled
        self.per_item = per_item
        self._reading: Counter[int] = Counter()  # links being read, per user
        self._lock = threading.Lock()

    @contextmanager
    def _turn(self, user_id: int) -> Iterator[None]:
        """One of the user's READING_AT_ONCE links being read, or LinkFailed: so one person's
        slow links hold at most that many of the reader's threads, and none of the
        caller's waits for another of theirs."""
        with self._lock:
            if self._reading[user_id] >= READING_AT_ONCE:
                raise LinkFailed("other links of yours are being read; this one is kept as is")
            self._reading[user_id] += 1
        try:
            yield
        finally:
            with self._lock:
                self._reading[user_id] -= 1
                if not self._reading[user_id]:
                    del self._reading[user_id]

    def keep(
        self,
        user_id: int,
        url: str,
        *,
        source: str | None = None,
        created_at: datetime | None = None,
    ) -> IngestResult:
        """Read the link and keep what it holds; raises LinkRefused or LinkFailed (nothing
        is kept then) and the errors of reading a file."""
        started = time.monotonic()
        keeper = self._keeper
        if source is not None and (again := keeper.from_source(user_id, source)):
            return again
        self._folder.mkdir(parents=True, exist_ok=True)
        with (
            self._turn(user_id),
            tempfile.TemporaryDirectory(dir=self._folder, prefix="link-") as folder,
        ):
            fetched = self._reader.fetch(url, Path(folder))
            if fetched.extracted is None:
                assert fetched.file is not None
                return self._ingestor.ingest_file(
                    user_id,
                    fetched.file,
                    source=source,
                    created_at=created_at,
                    meta={"url": fetched.url},
                )
            extracted = fetched.extracted
            page = fetched.file
            assert page is not None
            sha256 = sha256_of(page)
            if duplicate := keeper.duplicate_clearing_unfinished(user_id, sha256):
                return duplicate
            return self._ingestor.keep_read(
                user_id,
                page,
                sha256,
                extracted,
                name=(extracted.title or fetched.url).replace("/", "∕"),
                source=source,
                created_at=created_at,
                started=started,
            )
