"""A hostile web site on 127.0.0.1, for the link tests and bench/hostile.py: file names
that climb out of their folder, bodies that inflate to gigabytes, encodings stacked or
unknown, and a server that sends its header a byte a second."""

from __future__ import annotations

import contextlib
import gzip
import io
import socket
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from http.server import BaseHTTPRequestHandler

from tests.pages import loopback


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, "PNG")
    return out.getvalue()


PNG = _png()
ONE_GIB = 1 << 30


@cache
def zeros_gzipped(size: int, layers: int) -> bytes:
    """`size` zero bytes gzipped `layers` times, made without holding them (1 GiB twice
    gzipped is about 1.8 KB)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(1 << 20)
    parts = [packer.compress(block) for _ in range(size >> 20)]
    body = b"".join(parts) + packer.flush()
    for _ in range(layers - 1):
        body = gzip.compress(body, 9)
    return body


class _Site(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path.endswith(".png"):  # any name, however it climbs
            self._send(200, {"Content-Type": "image/png"}, PNG)
        elif path == "/double-gzip":
            body = zeros_gzipped(ONE_GIB, 2)
            self._send(200, {"Content-Type": "text/html", "Content-Encoding": "gzip, gzip"}, body)
        elif path == "/two-headers":
            body = zeros_gzipped(ONE_GIB, 2)
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif path == "/gzip-bomb":
            body = zeros_gzipped(256 << 20, 1)
            self._send(200, {"Content-Type": "text/html", "Content-Encoding": "gzip"}, body)
        elif path == "/no-length":  # claims nothing, sends 5 MB until it closes
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            with contextlib.suppress(OSError):  # the reader stops at its limit
                self.wfile.write(b"<p>" + b"y" * (5 << 20))
        elif path == "/brotli":
            self._send(200, {"Content-Type": "text/html", "Content-Encoding": "br"}, b"\x1b")
        elif path == "/gzip-article":
            page = b"<html><head><title>Packed</title></head><body><article><p>"
            page += b"The packed page says the ferry leaves at nine from pier four. " * 20
            page += b"</p></article></body></html>"
            headers = {"Content-Type": "text/html", "Content-Encoding": "gzip"}
            self._send(200, headers, gzip.compress(page))
        else:
            self._send(404, {"Content-Type": "text/plain"}, b"no")

    def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def hostile_site() -> Iterator[str]:
    """The site's base URL (http://127.0.0.1:PORT) while the block runs."""
    with loopback(_Site) as base:
        yield base


@contextmanager
def trickling(every: float = 1.0) -> Iterator[str]:
    """A server that sends a status line and headers one byte per `every` seconds, never
    ending them: per-read timeouts never fire."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve(conn: socket.socket) -> None:
        with conn:
            try:
                conn.recv(65536)
                for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 10_000:
                    if stop.wait(every):
                        return
                    conn.sendall(bytes([byte]))
            except OSError:
                return

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        listener.close()
