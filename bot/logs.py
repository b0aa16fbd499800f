"""Keep the bot token out of everything the process writes to stderr: every log line,
tracebacks included, and anything else (an uncaught exception, a warning, a library's own
print) through a masking stderr."""

from __future__ import annotations

import logging
import sys
from typing import Any, TextIO

MASK = "[redacted]"


class RedactSecrets(logging.Filter):
    """A handler filter: formats the record early and masks each secret in it."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self._secrets = [secret for secret in secrets if len(secret) >= 8]

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = self._mask(record.getMessage()), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._mask(record.exc_text)
        if record.stack_info:
            record.stack_info = self._mask(record.stack_info)
        return True

    def _mask(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        return text


class MaskedStream:
    """A text stream that writes through to another one, each secret masked."""

    def __init__(self, stream: TextIO, secrets: list[str]) -> None:
        self._stream = stream
        self._masking = RedactSecrets(secrets)

    def write(self, text: str) -> int:
        self._stream.write(self._masking._mask(text))
        return len(text)

    def __getattr__(self, name: str) -> Any:  # flush, fileno, isatty, encoding...
        return getattr(self._stream, name)


def redact_token(token: str) -> None:
    """Mask the token's secret part (after the colon) in everything the root handlers write,
    and in anything else written to stderr from now on."""
    secret = token.split(":", 1)[-1]
    redactor = RedactSecrets([secret])
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig()
    for handler in root.handlers:
        handler.addFilter(redactor)
    if len(secret) >= 8 and not isinstance(sys.stderr, MaskedStream):
        sys.stderr = MaskedStream(sys.stderr, [secret])
