"""Reading a link, within limits that hold whatever the site does.

One deadline covers the whole fetch, headers, redirects and DNS included: it runs on a
small pool of its own (never the event loop's default executor), in an event loop of its
own, under `asyncio.timeout`, so a site trickling a byte a second is cut off at the limit.
Each hop connects to the address the guard checked (adapters/web/guard.py), through
httpcore with a network backend pinned to it; no proxy from the environment. The body comes
raw off the wire and is decoded here: identity, or one gzip or deflate layer, with an
explicit cap on what decoding may produce (`max_length`); two layers or another encoding
are refused. Then an HTML page's main text is extracted by trafilatura, or a PDF or image
kept as the file it is, under a name made by the one rule for outside names: on the same
fetcher, so the caller waits for the page's text no longer than for the page (a page whose
extraction runs past the deadline is given up on; its fetcher is busy until it ends).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import time
import zlib
from collections.abc import Iterable
from concurrent.futures import Executor, ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import httpcore

from knowledge.adapters.web.guard import (
    Target,
    check_address,
    check_url,
    resolved,
    same_address,
)
from knowledge.domain.errors import LinkFailed, LinkRefused
from knowledge.domain.model import Extracted, Section
from knowledge.domain.names import UnsafeName, inside, safe_name
from knowledge.domain.ports import Fetched

log = logging.getLogger(__name__)
MAX_REDIRECTS = 5
PAGE_TYPES = ("text/html", "application/xhtml+xml")
FILE_TYPES = ("application/pdf", "image/")
USER_AGENT = "Mozilla/5.0 (compatible; mnemo; a private memory assistant)"
ENCODINGS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}
PIECE = 64 * 1024
FETCHERS = 4  # links read at once (each user at most 2: services/keeping/links.py); more wait
RESOLVERS = 4
GRACE = 1.0  # a stuck fetch is given up on this long after its deadline


def web_pools() -> tuple[ThreadPoolExecutor, ThreadPoolExecutor]:
    """The small pools a GuardedWeb runs on: fetchers (each fetch in an event loop of its
    own), then resolvers (DNS lookups)."""
    return (
        ThreadPoolExecutor(FETCHERS, thread_name_prefix="link"),
        ThreadPoolExecutor(RESOLVERS, thread_name_prefix="resolve"),
    )


class GuardedWeb:
    def __init__(
        self,
        *,
        max_bytes: int,
        timeout_seconds: float,
        allow_loopback: bool = False,  # tests only: their pages are served on 127.0.0.1
        pools: tuple[Executor, Executor] | None = None,
    ) -> None:
        """`pools`: the fetchers' and the resolvers' (`web_pools()`, made by the composition
        root, which shuts them down); a pair of its own when not given (tests, benches)."""
        self._max_bytes = max_bytes
        self._timeout = timeout_seconds
        self._allow_loopback = allow_loopback
        self._fetchers, self._resolvers = pools or web_pools()

    def fetch(self, url: str, folder: Path) -> Fetched:
        """What the link serves, read within the limit from now (a wait for a free fetcher
        included); LinkRefused or LinkFailed."""
        deadline = time.monotonic() + self._timeout
        job = self._fetchers.submit(self._fetch_until, url, folder, deadline)
        try:
            return job.result(timeout=self._timeout + GRACE)
        except concurrent.futures.TimeoutError as exc:
            job.cancel()
            raise self._late() from exc

    def _late(self) -> LinkFailed:
        return LinkFailed(f"the site did not answer within {self._timeout:.0f} s")

    def _fetch_until(self, url: str, folder: Path, deadline: float) -> Fetched:
        if time.monotonic() >= deadline:
            raise self._late()  # it waited for a fetcher all its time
        final, mime, body = asyncio.run(self._hops(url, folder, deadline))
        if time.monotonic() >= deadline:
            raise self._late()
        return self._read(final, mime, body, folder)  # a page's text too, within the wait

    async def _hops(self, url: str, folder: Path, deadline: float) -> tuple[str, str, Path]:
        current = url.strip()
        try:
            async with asyncio.timeout(deadline - time.monotonic()):
                for _ in range(MAX_REDIRECTS + 1):
                    target = check_url(current)
                    address = await self._checked_address(target)
                    got = await self._get(target, address, folder)
                    if isinstance(got, str):
                        current = got
                        continue
                    return target.url, *got
        except TimeoutError as exc:
            raise self._late() from exc
        raise LinkFailed(f"the link redirects more than {MAX_REDIRECTS} times")

    async def _checked_address(self, target: Target) -> str:
        """The address to connect to: every address of the host checked, the first kept."""
        lookup = self._resolvers.submit(resolved, target.host, target.port)
        addresses = await asyncio.wrap_future(lookup)
        if not addresses:
            raise LinkRefused(f"{target.host} could not be resolved")
        for address in addresses:
            check_address(address, allow_loopback=self._allow_loopback)
        return addresses[0]

    async def _get(self, target: Target, address: str, folder: Path) -> str | tuple[str, Path]:
        """The redirect's next URL, or (mime, the body saved in `folder`)."""
        headers = [
            (b"Host", target.host_header.encode()),
            (b"User-Agent", USER_AGENT.encode()),
            (b"Accept", b"text/html,application/pdf,image/*,*/*"),
            (b"Accept-Encoding", b"gzip, deflate"),
        ]
        url = httpcore.URL(
            scheme=target.scheme.encode(),
            host=target.host.encode(),
            port=target.port,
            target=target.path or b"/",
        )
        pinned = _Pinned(address, allow_loopback=self._allow_loopback)
        try:
            async with (
                httpcore.AsyncConnectionPool(network_backend=pinned, retries=0) as pool,
                pool.stream("GET", url, headers=headers) as response,
            ):
                return await self._body(target, response, folder)
        except (httpcore.NetworkError, httpcore.ProtocolError, httpcore.TimeoutException) as exc:
            raise LinkFailed(f"the site could not be reached ({type(exc).__name__})") from exc
        except (httpcore.UnsupportedProtocol, OSError) as exc:
            raise LinkFailed(f"the site could not be reached ({type(exc).__name__})") from exc

    async def _body(
        self, target: Target, response: httpcore.Response, folder: Path
    ) -> str | tuple[str, Path]:
        headers = _Headers(response.headers)
        location = headers.first("location")
        if 300 <= response.status < 400 and location:
            return urljoin(target.url, location)
        if response.status >= 400:
            raise LinkFailed(f"the site answered {response.status}")
        declared = headers.first("content-length")
        if declared and declared.isdigit() and int(declared) > self._max_bytes:
            raise self._too_large()
        decoder = _Decoder(headers.all("content-encoding"))
        body = folder / "body"
        wire = written = 0
        with body.open("wb") as out:
            async for piece in response.aiter_stream():
                wire += len(piece)
                if wire > self._max_bytes:
                    raise self._too_large()
                for decoded in decoder.feed(piece):
                    written += len(decoded)
                    if written > self._max_bytes:
                        raise self._too_large()
                    out.write(decoded)
        decoder.finish()
        mime = (headers.first("content-type") or "").split(";")[0].strip().lower()
        return mime, body

    def _too_large(self) -> LinkFailed:
        return LinkFailed(f"the page is over {self._max_bytes >> 20} MB")

    def _read(self, url: str, mime: str, body: Path, folder: Path) -> Fetched:
        if mime.startswith(FILE_TYPES):
            try:
                named = inside(folder, _file_name(url, mime), fallback="download")
            except UnsafeName:  # a planted link: the name made is used no further
                named = inside(folder, "download." + safe_name(mime.split("/")[-1]))
            body.replace(named)
            return Fetched(url=url, file=named)
        if mime in PAGE_TYPES or mime.startswith("text/") or not mime:
            page = folder / "page.html"
            body.replace(page)
            return Fetched(url=url, extracted=article(page.read_bytes(), url), file=page)
        raise LinkFailed(f"the link serves {mime}, which is not read")


class _Headers:
    def __init__(self, raw: Iterable[tuple[bytes, bytes]]) -> None:
        self._pairs = [(k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in raw]

    def all(self, name: str) -> list[str]:
        return [value for key, value in self._pairs if key == name]

    def first(self, name: str) -> str | None:
        found = self.all(name)
        return found[0].strip() if found else None


class _Decoder:
    """A body's one content coding undone, PIECE bytes of output at a time: never more
    output at once than that, whatever the input inflates to."""

    def __init__(self, codings: list[str]) -> None:
        layers = [c.strip().lower() for v in codings for c in v.split(",")]
        layers = [layer for layer in layers if layer and layer != "identity"]
        if len(layers) > 1:
            raise LinkFailed("the site packed the page more than once, which is not read")
        if layers and layers[0] not in ENCODINGS:
            raise LinkFailed(f"the site sent the page as {layers[0]}, which is not read")
        self._wbits = ENCODINGS[layers[0]] if layers else None
        self._inflate = zlib.decompressobj(self._wbits) if self._wbits else None
        self._started = False

    def feed(self, data: bytes) -> Iterable[bytes]:
        if self._inflate is None:
            yield data
            return
        pending = data
        while pending:
            if self._inflate.eof:  # gzip allows members one after another
                if self._wbits != 16 + zlib.MAX_WBITS or not pending.strip(b"\0"):
                    return  # trailing bytes after a deflate stream, or padding: ignored
                self._inflate = zlib.decompressobj(self._wbits)
            try:
                out = self._inflate.decompress(pending, PIECE)
            except zlib.error as exc:
                if self._started or self._wbits != zlib.MAX_WBITS:
                    raise LinkFailed("the page's compression is damaged") from exc
                self._wbits = -zlib.MAX_WBITS  # "deflate" sent raw, as some servers do
                self._inflate = zlib.decompressobj(self._wbits)
                continue
            self._started = True
            ended = self._inflate.eof  # what follows a member is the next one's
            pending = self._inflate.unused_data if ended else self._inflate.unconsumed_tail
            if out:
                yield out

    def finish(self) -> None:
        """LinkFailed when the compressed body stopped before its end (cut off)."""
        if self._inflate is not None and self._started and not self._inflate.eof:
            raise LinkFailed("the page's compression is damaged (it ends too early)")


class _Pinned(httpcore.AsyncNetworkBackend):
    """Connects to the checked address whatever host httpcore names (the URL's host still
    goes in the Host header and the TLS name); a connection whose peer is not that address,
    or has none, is closed unused."""

    def __init__(self, address: str, *, allow_loopback: bool) -> None:
        self._address = address
        self._allow_loopback = allow_loopback
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._inner.connect_tcp(
            self._address, port, timeout, local_address, socket_options
        )
        peer = stream.get_extra_info("server_addr")
        if not peer or not same_address(str(peer[0]), self._address):
            await stream.aclose()
            raise LinkRefused("the site's address could not be confirmed, so it was not read")
        check_address(str(peer[0]), allow_loopback=self._allow_loopback)
        return stream

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise LinkRefused("links are read over the network only")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


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
    """A served file's name: the URL's last segment, decoded, made safe (the one rule)."""
    name = safe_name(unquote(urlsplit(url).path.rsplit("/", 1)[-1]), "download")
    if "." not in name:
        name += ".pdf" if mime == "application/pdf" else "." + safe_name(mime.split("/")[-1])
    return name


__all__ = ["GuardedWeb", "LinkRefused", "article"]
