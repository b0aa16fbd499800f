"""A local web server for the link tests: an article, a PDF, redirects (one to a cloud
metadata address), a page too large, served on 127.0.0.1 (which only a test may allow)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ARTICLE = """<html><head><title>How to winterise a cabin</title>
<meta property="og:site_name" content="Cabin Weekly"><meta name="date" content="2023-03-04">
</head><body><nav>Home · Archive · Subscribe</nav><article><h1>How to winterise a cabin</h1>
<p>Drain the water pipes before the first frost and leave the taps open, so that what is
left in them has room to expand without splitting a joint.</p>
<p>Stack the firewood under the eaves, off the ground, and keep a spare battery for the
torch by the door: the power goes out more often in January than in any other month.</p>
</article><footer>© Cabin Weekly</footer></body></html>"""


def _pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.multi_cell(0, 8, "Boat handbook. The bilge pump switch is left of the helm.")
    return bytes(pdf.output())


class _Pages(BaseHTTPRequestHandler):
    pdf = b""

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/article":
            self._send(200, "text/html; charset=utf-8", ARTICLE.encode())
        elif path == "/handbook.pdf":
            self._send(200, "application/pdf", self.pdf)
        elif path == "/moved":
            self._redirect("/article")
        elif path == "/to-metadata":
            self._redirect("http://169.254.169.254/latest/meta-data/")
        elif path == "/loop":
            self._redirect("/loop")
        elif path == "/huge":
            self._send(200, "text/html", b"<p>" + b"x" * (3 << 20) + b"</p>")
        else:
            self._send(404, "text/plain", b"no")

    def _send(self, status: int, mime: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", mime)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, where: str) -> None:
        self.send_response(302)
        self.send_header("Location", where)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def loopback(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """`handler` served on 127.0.0.1: its base URL (http://127.0.0.1:PORT) while the block
    runs."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def serving() -> Iterator[str]:
    """The server's base URL (http://127.0.0.1:PORT) while the block runs."""
    _Pages.pdf = _pdf()
    with loopback(_Pages) as base:
        yield base
