"""Which addresses a link may reach: public ones only, and only the one that was checked.

A user must not make the bot read what only the machine can see (its own metrics on
127.0.0.1, a router's page, a cloud metadata address). The URL is parsed once (httpx's
parser, IDNA 2008: one rule for names like `ß`), its host resolved once, every address it
resolves to checked, and the connection made to that checked address itself (the Host and
the TLS name kept: adapters/web/pages.py), so a DNS answer that changes in between
(rebinding) is never asked for. After every redirect, all of it again.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass

import httpx

from knowledge.domain.errors import LinkRefused

SCHEMES = ("http", "https")


@dataclass(frozen=True)
class Target:
    """A URL as it will be requested: its scheme, its host in ASCII (IDNA-encoded), its
    port, and the path with its query."""

    url: str
    scheme: str
    host: str
    port: int
    path: bytes

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        return host if self.port == default else f"{host}:{self.port}"


def check_url(url: str) -> Target:
    """The URL's target, refused unless http(s) with a host and no user name."""
    try:
        parsed = httpx.URL(url)
        host = parsed.raw_host.decode("ascii")
    except (httpx.InvalidURL, UnicodeError, ValueError) as exc:
        raise LinkRefused("the link could not be read as a web address") from exc
    if parsed.scheme not in SCHEMES:
        raise LinkRefused(f"only http and https links are read, not {parsed.scheme or 'this'}")
    if not host:
        raise LinkRefused("the link names no host")
    if parsed.userinfo:
        raise LinkRefused("links with a user name or password are not read")
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    return Target(str(parsed), parsed.scheme, host, port, parsed.raw_path)


def resolved(host: str, port: int) -> list[str]:
    """Every address the (ASCII) host resolves to, IPv4 first."""
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise LinkRefused(f"{host} could not be resolved") from exc
    found = {str(answer[4][0]) for answer in answers}
    return sorted(found, key=lambda address: (":" in address, address))


def check_address(address: str, *, allow_loopback: bool = False) -> None:
    """Refused unless public: no private, loopback, link-local, shared, reserved or
    multicast address (an IPv4 address inside IPv6 judged as IPv4: mapped, 6to4, NAT64,
    IPv4-compatible). `allow_loopback` is for tests."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and (inner := _embedded_ipv4(ip)) is not None:
        ip = inner
    if allow_loopback and ip.is_loopback:
        return
    if not ip.is_global or ip.is_multicast:
        raise LinkRefused(f"the link leads to a private address ({ip}), which is not read")


NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped, 6to4, NAT64, IPv4-compatible), which
    is where it leads and so what is judged."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if any(ip in network for network in NAT64) or (
        int(ip) >> 32 == 0 and int(ip) > 0xFFFF
    ):  # NAT64, or ::a.b.c.d (IPv4-compatible; ::1 and :: are IPv6's own)
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def same_address(one: str, other: str) -> bool:
    try:
        return ipaddress.ip_address(one.split("%", 1)[0]) == ipaddress.ip_address(
            other.split("%", 1)[0]
        )
    except ValueError:
        return False
