"""Which addresses a link may reach: public ones only.

A user must not make the bot read what only the machine can see (its own metrics on
127.0.0.1, a router's page, a cloud metadata address), so every host is resolved and each
of its addresses checked before connecting, and the address actually connected to is
checked again (a DNS answer that changed in between), after every redirect too.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from knowledge.domain.errors import LinkRefused

SCHEMES = ("http", "https")


def check_url(url: str) -> tuple[str, int]:
    """The URL's host and port, refused unless http(s) with a host."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in SCHEMES:
        raise LinkRefused(f"only http and https links are read, not {parts.scheme or 'this'}")
    if not parts.hostname:
        raise LinkRefused("the link names no host")
    if parts.username or parts.password:
        raise LinkRefused("links with a user name or password are not read")
    try:
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    except ValueError as exc:
        raise LinkRefused("the link's port is not a number") from exc
    return parts.hostname, port


def resolved(host: str, port: int) -> list[str]:
    """Every address the host resolves to."""
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise LinkRefused(f"{host} could not be resolved") from exc
    return sorted({str(answer[4][0]) for answer in answers})


def check_address(address: str, *, allow_loopback: bool = False) -> None:
    """Refused unless public: no private, loopback, link-local, shared, reserved or
    multicast address (IPv4 inside IPv6 judged as IPv4). `allow_loopback` is for tests."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if allow_loopback and ip.is_loopback:
        return
    if not ip.is_global or ip.is_multicast:
        raise LinkRefused(f"the link leads to a private address ({ip}), which is not read")
