"""Keep the bot token out of every log line, tracebacks included."""

from __future__ import annotations

import logging

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


def redact_token(token: str) -> None:
    """Mask the token's secret part (after the colon) in everything the root handlers write."""
    redactor = RedactSecrets([token.split(":", 1)[-1]])
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig()
    for handler in root.handlers:
        handler.addFilter(redactor)
