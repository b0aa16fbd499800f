"""Links: a page kept as its article, a PDF as the file it is, and the guard that keeps a
user from making the bot read private addresses."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from knowledge.adapters.web.guard import check_address
from knowledge.adapters.web.pages import GuardedWeb
from knowledge.bootstrap import Services
from knowledge.domain.errors import LinkFailed, LinkRefused
from knowledge.domain.model import StoredDocument
from knowledge.services.keeping.links import only_a_link, urls_in
from tests.pages import serving


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    with serving() as base:
        yield base


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.9",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",  # carrier-grade NAT
        "0.0.0.0",
        "::1",
        "fe80::1",
        "fd00::1",
        "::ffff:127.0.0.1",  # IPv4 inside IPv6
        "224.0.0.1",
    ],
)
def test_private_loopback_and_link_local_addresses_are_refused(address: str) -> None:
    with pytest.raises(LinkRefused):
        check_address(address)


def test_public_addresses_pass() -> None:
    check_address("93.184.215.14")
    check_address("2606:4700::1111")


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.org/x",
        "gopher://example.org",
        "http://user:pw@example.org/",
        "http://localhost:9090/metrics",
    ],
)
def test_what_is_not_a_public_http_link_is_refused(url: str, tmp_path: Path) -> None:
    web = GuardedWeb(max_bytes=1 << 20, timeout_seconds=5)
    with pytest.raises(LinkRefused):
        web.fetch(url, tmp_path)


def test_the_local_site_itself_is_refused_without_the_test_allowance(
    site: str, tmp_path: Path
) -> None:
    with pytest.raises(LinkRefused, match="private address"):
        GuardedWeb(max_bytes=1 << 20, timeout_seconds=5).fetch(f"{site}/article", tmp_path)


def test_a_redirect_to_a_metadata_address_is_refused_before_it_is_followed(
    site: str, tmp_path: Path
) -> None:
    web = GuardedWeb(max_bytes=1 << 20, timeout_seconds=5, allow_loopback=True)
    with pytest.raises(LinkRefused, match=r"169\.254\.169\.254"):
        web.fetch(f"{site}/to-metadata", tmp_path)


def test_limits_end_loops_and_huge_pages(site: str, tmp_path: Path) -> None:
    web = GuardedWeb(max_bytes=1 << 20, timeout_seconds=5, allow_loopback=True)
    with pytest.raises(LinkFailed, match="redirects"):
        web.fetch(f"{site}/loop", tmp_path)
    with pytest.raises(LinkFailed, match="over 1 MB"):
        web.fetch(f"{site}/huge", tmp_path)
    with pytest.raises(LinkFailed, match="404"):
        web.fetch(f"{site}/nothing", tmp_path)


def test_a_page_is_kept_as_its_article_with_title_site_and_url(
    services: Services, site: str
) -> None:
    result = services.keeping.links.keep(5, f"{site}/moved")  # followed to /article
    assert (result.kind, result.name) == ("link", "How to winterise a cabin")
    [doc] = [d for d, _ in _docs(services, 5)]
    assert doc.meta["url"] == f"{site}/article" and doc.meta["site"] == "Cabin Weekly"
    hits = services.retriever.search(5, "drain the water pipes frost", k=1)
    assert "Drain the water pipes" in hits[0].text
    assert "Home · Archive" not in " ".join(h.text for h in services.retriever.search(5, "x"))


def test_a_pdf_link_is_ingested_as_the_pdf(services: Services, site: str) -> None:
    result = services.keeping.links.keep(6, f"{site}/handbook.pdf")
    assert (result.kind, result.name) == ("pdf", "handbook.pdf")
    assert "bilge pump" in services.retriever.search(6, "bilge pump switch", k=1)[0].text


def test_urls_are_found_in_messages() -> None:
    text = "Read later: https://example.org/a?b=1, and (https://example.org/c)."
    assert urls_in(text) == ["https://example.org/a?b=1", "https://example.org/c"]
    assert only_a_link("  https://example.org/what-is-x?  ") == "https://example.org/what-is-x"
    assert only_a_link("see https://example.org") is None


def _docs(services: Services, user: int) -> list[tuple[StoredDocument, int]]:
    with services.engines.storage.read() as uow:
        return uow.documents.of_user(user)


def test_a_page_is_in_the_days_digest_by_its_title_and_site(services: Services, site: str) -> None:
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    services.keeping.links.keep(7, f"{site}/article")
    [item] = services.digests.items(7, datetime.now(UTC).date(), ZoneInfo("UTC"))
    assert (item.kind, item.line) == ("link", "How to winterise a cabin (Cabin Weekly)")


def test_a_link_in_an_import_is_read_when_fetching_is_on(
    services: Services, site: str, tmp_path: Path
) -> None:
    from bench.telegram_export import ExportPlan, write_export

    plan = ExportPlan(messages=200, links=(f"{site}/article", f"{site}/to-metadata"))
    write_export(tmp_path / "export", plan)
    report = services.keeping.importer.run(8, tmp_path / "export")
    assert report.added == 200 and report.links == 1
    assert report.failed == []
    assert [why for _, why in report.links_failed] == [
        "the link leads to a private address (169.254.169.254), which is not read"
    ]
    kinds = sorted({doc.kind for doc in services.memory.documents(8)})
    assert kinds == ["link", "note"]
