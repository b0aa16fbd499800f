"""Links a stranger can send: each is refused or bounded, whatever the site does. Every test
here fails on the reader before the hardening (issue 33): a URL's name that climbs out of
the fetch folder, bodies that inflate to gigabytes, a header sent a byte a second, an
address that changes between the check and the connection."""

from __future__ import annotations

import resource
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpcore
import pytest

from knowledge.adapters.web import guard, pages
from knowledge.adapters.web.pages import GuardedWeb
from knowledge.bootstrap import Services
from knowledge.domain.errors import LinkFailed, LinkRefused
from knowledge.domain.names import UnsafeName, inside, safe_name
from tests.hostile_web import ONE_GIB, hostile_site, trickling, zeros_gzipped


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    zeros_gzipped(ONE_GIB, 2), zeros_gzipped(256 << 20, 1)  # made before any fetch is timed
    with hostile_site() as base:
        yield base


def _web(**overrides: float) -> GuardedWeb:
    limits = {"max_bytes": 2 << 20, "timeout_seconds": 5.0, **overrides}
    return GuardedWeb(
        max_bytes=int(limits["max_bytes"]),
        timeout_seconds=float(limits["timeout_seconds"]),
        allow_loopback=True,
    )


@pytest.mark.parametrize(
    "name",
    [
        "%2Ftmp%2Fmnemo-escape%2Fx.png",  # an absolute path, once decoded
        "..%2F..%2F..%2Fx.png",  # climbs out of the fetch folder
        "..%5C..%5Cx.png",  # the same with backslashes
        "%2E%2E",  # only dots
    ],
)
def test_a_served_file_is_named_inside_its_folder_whatever_the_url(
    site: str, tmp_path: Path, name: str
) -> None:
    folder = tmp_path / "deep" / "fetch"
    folder.mkdir(parents=True)
    before = set(tmp_path.rglob("*"))
    try:
        fetched = _web().fetch(f"{site}/{name}", folder)
    except LinkFailed:
        fetched = None  # "%2E%2E" has no .png ending: 404
    written = set(tmp_path.rglob("*")) - before
    assert all(path.is_relative_to(folder) for path in written), written
    if fetched is not None:
        assert fetched.file is not None and fetched.file.parent == folder
        assert not fetched.file.name.startswith(".")
    assert not Path("/tmp/mnemo-escape/x.png").exists()


def test_one_rule_for_outside_names() -> None:
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("..\\..\\boot.ini") == "boot.ini"
    assert safe_name("/abs/path/.bashrc") == "bashrc"
    assert safe_name("..") == "file" and safe_name("") == "file" and safe_name(None) == "file"
    assert safe_name(". .env") == "env" and safe_name(". ..") == "file"
    assert safe_name("a\x00b\x1b[31m\u2028c.txt") == "ab[31mc.txt"
    long = safe_name("й" * 500 + ".pdf")
    assert long.endswith(".pdf") and len(long.encode()) <= 160
    assert inside(Path("/srv/x"), "../../y") == Path("/srv/x/y")


def test_a_symlink_planted_in_a_folder_is_not_followed_out(tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "link.png").symlink_to(tmp_path / "outside.png")
    with pytest.raises(UnsafeName):
        inside(folder, "link.png")


def test_a_body_packed_twice_is_refused_unread(site: str, tmp_path: Path) -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for path in ("/double-gzip", "/two-headers"):
        with pytest.raises(LinkFailed, match="more than once"):
            _web().fetch(f"{site}{path}", tmp_path)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 100, f"the process grew by {grown_mb:.0f} MB"


def test_a_gzip_bomb_is_cut_at_the_limit_in_bounded_memory(site: str, tmp_path: Path) -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(LinkFailed, match="over 2 MB"):
        _web().fetch(f"{site}/gzip-bomb", tmp_path)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 64, f"the process grew by {grown_mb:.0f} MB"
    assert sum(p.stat().st_size for p in tmp_path.rglob("*") if p.is_file()) <= 2 << 20


def test_a_body_with_no_length_and_an_unknown_encoding(site: str, tmp_path: Path) -> None:
    with pytest.raises(LinkFailed, match="over 2 MB"):
        _web().fetch(f"{site}/no-length", tmp_path)
    with pytest.raises(LinkFailed, match="br"):
        _web().fetch(f"{site}/brotli", tmp_path)


def test_one_gzip_layer_is_read(site: str, tmp_path: Path) -> None:
    fetched = _web().fetch(f"{site}/gzip-article", tmp_path)
    assert fetched.extracted is not None
    assert "ferry leaves at nine" in fetched.extracted.sections[0].text


def test_a_header_sent_a_byte_a_second_ends_within_the_limit(tmp_path: Path) -> None:
    with trickling(every=0.5) as slow:
        started = time.monotonic()
        with pytest.raises(LinkFailed, match="within 2 s"):
            _web(timeout_seconds=2).fetch(f"{slow}/page", tmp_path)
        took = time.monotonic() - started
    assert took < 2 + 1, f"the fetch took {took:.1f} s"


def test_fetches_wait_on_their_own_pool_and_each_keeps_its_deadline(tmp_path: Path) -> None:
    """More slow links than fetchers: each still ends by its own limit (+1 s), the wait
    for a free fetcher included."""
    from concurrent.futures import ThreadPoolExecutor

    web = _web(timeout_seconds=1.5)
    with trickling(every=0.3) as slow, ThreadPoolExecutor(5) as callers:
        started = time.monotonic()

        def one(n: int) -> float:
            with pytest.raises(LinkFailed):
                web.fetch(f"{slow}/{n}", tmp_path / str(n))
            return time.monotonic() - started

        for n in range(5):
            (tmp_path / str(n)).mkdir()
        took = list(callers.map(one, range(5)))
    assert max(took) < 1.5 + 1, took


def test_the_connection_goes_to_the_address_that_was_checked(
    site: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS rebinding: the name resolves to an allowed address once, then to a private one.
    The host is resolved once per hop and that very address connected to."""
    port = int(site.rsplit(":", 1)[1])
    calls: list[str] = []

    def rebinding(host: str, *args: object, **kwargs: object) -> list[tuple[object, ...]]:
        if host[0].isdigit():  # an address is its own answer, as getaddrinfo gives it
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (host, port))]
        calls.append(host)
        address = "127.0.0.1" if len(calls) == 1 else "10.255.255.1"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    fetched = _web().fetch(f"http://rebind.test:{port}/x.png", tmp_path)
    assert fetched.file is not None and fetched.file.read_bytes().startswith(b"\x89PNG")
    assert calls == ["rebind.test"]


def test_a_connection_with_no_peer_address_is_refused() -> None:
    import asyncio

    class NoPeer(httpcore.AsyncNetworkStream):
        closed = False

        def get_extra_info(self, info: str) -> object:
            return None

        async def aclose(self) -> None:
            NoPeer.closed = True

    class Inner:
        async def connect_tcp(self, *args: object, **kwargs: object) -> NoPeer:
            return NoPeer()

    pinned = pages._Pinned("93.184.215.14", allow_loopback=False)
    pinned._inner = Inner()  # type: ignore[assignment]
    with pytest.raises(LinkRefused, match="could not be confirmed"):
        asyncio.run(pinned.connect_tcp("example.org", 443))
    assert NoPeer.closed


def test_one_idna_rule_for_the_check_and_the_request() -> None:
    target = guard.check_url("https://straße.example/ä?q=1")
    assert target.host == "xn--strae-oqa.example"  # IDNA 2008: ß kept, not "strasse"
    assert target.path == b"/%C3%A4?q=1"
    with pytest.raises(LinkRefused):
        guard.check_url("http://user:pw@example.org/")


@pytest.mark.parametrize(
    "address", ["64:ff9b::a00:1", "64:ff9b::7f00:1", "2002:a00:1::", "::10.0.0.1", "::127.0.0.1"]
)
def test_ipv4_carried_inside_ipv6_is_judged_as_ipv4(address: str) -> None:
    with pytest.raises(LinkRefused):
        guard.check_address(address)


def test_gzip_members_one_after_another_are_read_and_a_cut_body_refused(tmp_path: Path) -> None:
    import gzip

    decoder = pages._Decoder(["gzip"])
    body = gzip.compress(b"first half, ") + gzip.compress(b"second half")
    assert b"".join(decoder.feed(body)) == b"first half, second half"
    decoder.finish()
    cut = pages._Decoder(["gzip"])
    list(cut.feed(gzip.compress(b"x" * 5000)[:-12]))
    with pytest.raises(LinkFailed, match="ends too early"):
        cut.finish()


def test_one_users_links_hold_at_most_two_readers(tmp_path: Path) -> None:
    import threading

    from knowledge.domain.ports import Fetched
    from knowledge.services.keeping.links import Links

    started, release = threading.Semaphore(0), threading.Event()

    class Slow:
        def fetch(self, url: str, folder: Path) -> Fetched:
            started.release()
            release.wait(10)
            raise LinkFailed("slow")

    links = Links(reader=Slow(), keeper=None, ingestor=None, folder=tmp_path, enabled=True)  # type: ignore[arg-type]
    outcomes: list[str] = []

    def read(user: int) -> None:
        try:
            links.keep(user, "https://example.org/slow")
        except LinkFailed as exc:
            outcomes.append(f"{user}: {exc}")

    threads = [threading.Thread(target=read, args=(1,)) for _ in range(2)]
    for thread in threads:
        thread.start()
    assert started.acquire(timeout=5) and started.acquire(timeout=5)
    read(1)  # a third of the same user's: refused at once, no thread of the reader held
    assert outcomes == ["1: other links of yours are being read; this one is kept as is"]
    other = threading.Thread(target=read, args=(2,))
    other.start()
    assert started.acquire(timeout=5)  # another user still gets a reader
    release.set()
    for thread in [*threads, other]:
        thread.join()


def test_a_pages_text_read_slowly_ends_within_the_limit(
    site: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Extracting a page's text is inside the fetch's deadline: a page whose text takes
    long to read is given up on at the limit (+1 s), as a slow site is."""
    import threading

    release = threading.Event()

    def slow_article(html: bytes, url: str) -> object:
        release.wait(20)
        raise LinkFailed("no text could be read from the page")

    monkeypatch.setattr(pages, "article", slow_article)
    started = time.monotonic()
    try:
        with pytest.raises(LinkFailed, match="within 2 s"):
            _web(timeout_seconds=2).fetch(f"{site}/gzip-article", tmp_path)
    finally:
        release.set()
    took = time.monotonic() - started
    assert took < 2 + 1 + 0.5, f"the fetch took {took:.1f} s"


async def test_a_slow_link_waits_on_a_pool_of_its_own_not_the_default_one(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A message's link is waited for on the links' own small pool: with the event loop's
    default pool down to one thread, that thread stays free while the link hangs."""
    import asyncio
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from knowledge.domain.ports import Fetched
    from knowledge.services.door.arrival import Arrival, Kept

    started, release = threading.Event(), threading.Event()

    class Hanging:
        def fetch(self, url: str, folder: Path) -> Fetched:
            started.set()
            release.wait(30)
            raise LinkFailed("the site did not answer within 5 s")

    monkeypatch.setattr(services.keeping.links, "_reader", Hanging())
    asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(1))
    keeping = asyncio.create_task(services.inbound.receive(Arrival(6, "https://example.org/hangs")))
    try:
        async with asyncio.timeout(10):
            while not started.is_set():
                await asyncio.sleep(0.01)
        async with asyncio.timeout(2):  # the default pool's one thread is free
            assert await asyncio.to_thread(sum, [1, 2]) == 3
    finally:
        release.set()
    outcome = await keeping
    assert isinstance(outcome, Kept) and outcome.link is not None and outcome.link.error
