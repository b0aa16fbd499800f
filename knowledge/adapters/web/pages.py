"""Reading a link: fetched with httpx under the guard (no redirect followed unchecked, a
size and a time limit), then an HTML page's main text extracted by trafilatura, or a PDF
or image kept as the file it is."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import httpx

from knowledge.adapters.web.guard import check_address, check_url, resolved
from knowledge.domain.errors import LinkFailed, LinkRefused
from knowledge.domain.model import Extracted, Section
from knowledge.domain.ports import Fetched

log = logging.getLogger(__name__)
MAX_REDIRECTS = 5
PAGE_TYPES = ("text/html", "application/xhtml+xml")
FILE_TYPES = ("application/pdf", "image/")
USER_AGENT = "Mozilla/5.0 (compatible; mnemo; a private memory assistant)"


class GuardedWeb:
    def __init__(
        self,
        *,
        max_bytes: int,
        timeout_seconds: float,
        allow_loopback: bool = False,  # tests only: their pages are served on 127.0.0.1
    ) -> None:
        self._max_bytes = max_bytes
        self._timeout = timeout_seconds
        self._allow_loopback = allow_loopback

    def fetch(self, url: str, folder: Path) -> Fetched:
        deadline = time.monotonic() + self._timeout
        current = url.strip()
        for _ in range(MAX_REDIRECTS + 1):
            host, port = check_url(current)
            for address in resolved(host, port):
                check_address(address, allow_loopback=self._allow_loopback)
            target = self._get(current, folder, deadline)
            if isinstance(target, str):
                current = target
                continue
            mime, body = target
            return self._read(current, mime, body, folder)
        raise LinkFailed(f"the link redirects more than {MAX_REDIRECTS} times")

    def _get(self, url: str, folder: Path, deadline: float) -> str | tuple[str, Path]:
        """The redirect's next URL, or (mime, the body saved in `folder`)."""
        timeout = httpx.Timeout(max(deadline - time.monotonic(), 0.1))
        headers = {"User-Agent": USER_AGENT, "Accept": "text/html,application/pdf,image/*,*/*"}
        try:
            with (
                httpx.Client(trust_env=False, timeout=timeout, follow_redirects=False) as client,
                client.stream("GET", url, headers=headers) as response,
            ):
                stream = response.extensions.get("network_stream")
                peer = stream.get_extra_info("server_addr") if stream is not None else None
                if peer:
                    check_address(str(peer[0]), allow_loopback=self._allow_loopback)
                if response.is_redirect and "location" in response.headers:
                    return urljoin(url, response.headers["location"])
                if response.status_code >= 400:
                    raise LinkFailed(f"the site answered {response.status_code}")
                declared = int(response.headers.get("content-length") or 0)
                if declared > self._max_bytes:
                    raise LinkFailed(f"the page is over {self._max_bytes >> 20} MB")
                body = folder / "body"
                with body.open("wb") as out:
                    got = 0
                    for piece in response.iter_bytes(64 * 1024):
                        got += len(piece)
                        if got > self._max_bytes:
                            raise LinkFailed(f"the page is over {self._max_bytes >> 20} MB")
                        if time.monotonic() > deadline:
                            raise LinkFailed(f"the page took over {self._timeout:.0f} s")
                        out.write(piece)
                mime = response.headers.get("content-type", "").split(";")[0].strip().lower()
                return mime, body
        except httpx.TimeoutException as exc:
            raise LinkFailed(f"the site did not answer within {self._timeout:.0f} s") from exc
        except httpx.HTTPError as exc:
            raise LinkFailed(f"the site could not be reached ({type(exc).__name__})") from exc

    def _read(self, url: str, mime: str, body: Path, folder: Path) -> Fetched:
        if mime.startswith(FILE_TYPES):
            named = folder / _file_name(url, mime)
            body.replace(named)
            return Fetched(url=url, file=named)
        if mime in PAGE_TYPES or mime.startswith("text/") or not mime:
            page = folder / "page.html"
            body.replace(page)
            return Fetched(url=url, extracted=article(page.read_bytes(), url), file=page)
        raise LinkFailed(f"the link serves {mime}, which is not read")


def article(html: bytes, url: str) -> Extracted:
    """A page's main text, title, site and date (trafilatura); LinkFailed when it has none."""
    import trafilatura

    found = trafilatura.bare_extraction(html, url=url, with_metadata=True, favor_recall=True)
    if isinstance(found, dict):  # as_dict is off: never, but the stub allows it
        raise LinkFailed("the page could not be read")
    lines = (found.text or "").splitlines() if found is not None else []
    text = "\n".join(dict.fromkeys(line for line in lines if line.strip()))  # no repeats
    if found is None or not text.strip():
        raise LinkFailed("no text could be read from the page")
    site = found.sitename or urlsplit(url).hostname or ""
    title = (found.title or site or url).strip()
    head = "\n".join(part for part in (title, f"{site} · {url}") if part)
    return Extracted(
        kind="link",
        mime="text/html",
        sections=[Section(text=f"{head}\n{text}")],
        title=title,
        meta={"url": url, "site": site, "published": found.date, "title": title},
    )


def _file_name(url: str, mime: str) -> str:
    name = unquote(urlsplit(url).path.rsplit("/", 1)[-1]) or "download"
    if "." not in name:
        name += ".pdf" if mime == "application/pdf" else "." + mime.split("/")[-1]
    return name[:200]


__all__ = ["GuardedWeb", "LinkRefused", "article"]
