"""The chat model on a server of its own: any OpenAI-compatible chat-completions endpoint
(llama.cpp's llama-server, vLLM, Ollama, llama-cpp-python's server), streamed over SSE.

The prompt, evidence and checks are the core's, as with the in-process model; only where
the tokens come from changes. Every failure to get them (refused connection, silence past
the timeout, a refused key, a cut stream) is one `LlmUnavailable` naming the server and
the reason, never the key.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Iterator
from typing import Any

import httpx

from knowledge.domain.errors import LlmRefused, LlmUnavailable
from knowledge.domain.model import GenerationParams

log = logging.getLogger(__name__)

CONNECT_SECONDS = 5.0
PROBE_SECONDS = 5.0
# Statuses that say "not now" (come back later) rather than "not this request".
RETRY_LATER = {408, 425, 429}
# Scripts tokenized about one token per character (Chinese, Japanese, Korean), and digits.
_DENSE = re.compile(r"[\d\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")


class ServerGenerator:
    """A `Generator` over an OpenAI-compatible server; safe to call from several threads
    (one request per call), so the worker may run as many as the server has slots."""

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str | None = None,
        model: str | None = None,
        timeout_seconds: float = 60.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._base = base_url.rstrip("/")
        self._model = model
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.Client(
            headers=headers,
            timeout=httpx.Timeout(timeout_seconds, connect=CONNECT_SECONDS),
            transport=transport,
        )
        self._timeout = timeout_seconds

    @property
    def where(self) -> str:
        """The server as named in messages and logs: its URL without any user or password."""
        return f"the model server at {shown_url(self._base)}"

    def stream(self, messages: list[dict[str, str]], params: GenerationParams) -> Iterator[str]:
        body: dict[str, Any] = {
            "model": self.model_name(),
            "messages": messages,
            "stream": True,
            "temperature": params.temperature,
            "top_p": params.top_p,
            "top_k": params.top_k,
            "max_tokens": params.max_tokens,
        }
        try:
            with self._client.stream("POST", f"{self._base}/chat/completions", json=body) as reply:
                self._raise_for(reply)
                for line in reply.iter_lines():
                    piece = _content_of(line)
                    if piece is None:
                        break
                    if piece:
                        yield piece
        except httpx.HTTPError as exc:
            raise self._unavailable(exc) from exc

    def prime(self, messages: list[dict[str, str]]) -> None:
        """Nothing to do here: a llama.cpp server keeps each slot's prompt prefix itself."""

    def count_tokens(self, text: str) -> int:
        """An estimate that errs high (the server's tokenizer is not here): fitting evidence
        to a budget needs a bound, not the exact count."""
        return estimate_tokens(text)

    def problem(self) -> str | None:
        """None when the server answers with its model list; else what is wrong."""
        try:
            self._list_models(PROBE_SECONDS)
        except (LlmUnavailable, LlmRefused) as exc:
            return str(exc)
        return None

    def model_name(self) -> str:
        """The configured model, or the first the server lists (asked once)."""
        if self._model is None:
            listed = self._list_models(self._timeout)
            if not listed:
                raise LlmUnavailable(f"{self.where} lists no model; set MNEMO_LLM_MODEL")
            self._model = listed[0]
            log.info("model server: using its model %s", self._model)
        return self._model

    def close(self) -> None:
        self._client.close()

    def _list_models(self, timeout: float) -> list[str]:
        try:
            reply = self._client.get(f"{self._base}/models", timeout=timeout)
            self._raise_for(reply)
            data = reply.json().get("data") or []
        except httpx.HTTPError as exc:
            raise self._unavailable(exc) from exc
        except (ValueError, AttributeError) as exc:
            raise LlmUnavailable(f"{self.where} did not answer as an OpenAI API does") from exc
        return [str(entry["id"]) for entry in data if isinstance(entry, dict) and "id" in entry]

    def _raise_for(self, reply: httpx.Response) -> None:
        """A refused key, a timeout, too many requests or a server error: unavailable, so
        the question is kept for later. Any other 4xx refuses this very request (a prompt
        past the context, an unknown model): asked again it would be refused again."""
        status = reply.status_code
        if status in (401, 403):
            raise LlmUnavailable(
                f"{self.where} refused the API key (MNEMO_LLM_API_KEY)", reason="api key refused"
            )
        if status < 400:
            return
        reply.read()
        detail = reply.text[:200].replace("\n", " ")
        if status >= 500 or status in RETRY_LATER:
            raise LlmUnavailable(
                f"{self.where} answered HTTP {status}: {detail}", reason=f"HTTP {status}"
            )
        raise LlmRefused(
            f"{self.where} refused the request (HTTP {status}): {detail}", status=status
        )

    def _unavailable(self, exc: httpx.HTTPError) -> LlmUnavailable:
        if isinstance(exc, httpx.TimeoutException):
            reason = f"did not answer within {self._timeout:g} s"
        elif isinstance(exc, httpx.ConnectError):
            reason = "refused the connection (is it running?)"
        else:
            reason = f"broke off ({type(exc).__name__})"
        return LlmUnavailable(f"{self.where} {reason}", reason=reason)


def shown_url(url: str) -> str:
    """A URL fit for a log line or a reply: any user name and password taken out."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        return "(an invalid URL)"
    if parsed.userinfo:
        parsed = parsed.copy_with(username=None, password=None)
    return str(parsed)


def _content_of(line: str) -> str | None:
    """The text one server-sent-events line adds: '' for none, None at the end."""
    if not line.startswith("data:"):
        return ""
    data = line[5:].strip()
    if data == "[DONE]":
        return None
    try:
        event = json.loads(data)
    except ValueError:
        return ""
    if event.get("error"):
        raise LlmUnavailable(f"the model server failed mid-answer: {event['error']}")
    choices = event.get("choices") or [{}]
    return str((choices[0].get("delta") or {}).get("content") or "")


def estimate_tokens(text: str) -> int:
    """Tokens of `text` for the byte-pair tokenizer of a multilingual model, erring high: a
    token per digit and Chinese (Japanese, Korean) character, one per two other non-ASCII
    characters (Cyrillic) and per 3.5 ASCII ones. Against Qwen2.5's own tokenizer on XQuAD
    paragraphs (en, ru, es, zh) and short notes: 0.9 to 1.8 times the true count."""
    dense = wide = 0
    for char in text:
        if _DENSE.match(char):
            dense += 1
        elif ord(char) > 127:
            wide += 1
    narrow = len(text) - dense - wide
    return dense + math.ceil(wide / 2) + math.ceil(narrow / 3.5)
