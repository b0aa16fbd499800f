"""What each answer of a model server means (fast: httpx's MockTransport, no server): a
refusal of the request is an error to show, not a reason to ask again forever; "not now"
keeps the question; and nothing shown or reported carries the server's credentials."""

from __future__ import annotations

import json

import httpx
import pytest

from knowledge.adapters.llm_server import ServerGenerator, shown_url
from knowledge.adapters.store.memory import MemoryVectorStore
from knowledge.bootstrap import Services
from knowledge.domain.errors import LlmRefused, LlmUnavailable
from knowledge.domain.model import GenerationParams
from knowledge.services.upkeep.readiness import Readiness, scrub

PARAMS = GenerationParams(temperature=0.0, top_k=40, top_p=0.9, max_tokens=16)
HELLO = [{"role": "user", "content": "Say hello."}]
URL = "http://alice:s3cret-pass@gpu-box:8080/v1"


def _server(status: int, body: str = '{"error": "no"}') -> ServerGenerator:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/models"):
            return httpx.Response(200, json={"data": [{"id": "qwen"}]})
        return httpx.Response(status, text=body)

    return ServerGenerator(URL, transport=httpx.MockTransport(answer))


@pytest.mark.parametrize("status", [400, 404, 413, 422])
def test_a_refused_request_is_an_error_not_a_wait(status: int) -> None:
    server = _server(status, json.dumps({"error": {"message": "exceeds the context size"}}))
    with pytest.raises(LlmRefused) as refused:
        list(server.stream(HELLO, PARAMS))
    assert refused.value.code == "llm_refused" and refused.value.params == {"status": status}
    assert not isinstance(refused.value, LlmUnavailable), "a kept question would loop"
    assert "s3cret" not in str(refused.value) and "alice" not in str(refused.value)


@pytest.mark.parametrize("status", [401, 403, 408, 429, 500, 502, 503])
def test_not_now_keeps_the_question_for_later(status: int) -> None:
    with pytest.raises(LlmUnavailable) as unavailable:
        list(_server(status).stream(HELLO, PARAMS))
    assert "s3cret" not in str(unavailable.value)
    assert "gpu-box:8080" in str(unavailable.value), "the server is still named"


def test_urls_lose_their_credentials_wherever_they_are_shown() -> None:
    assert shown_url(URL) == "http://gpu-box:8080/v1"
    assert scrub(f"the model server at {URL} refused the connection") == (
        "the model server at <url> refused the connection"
    )
    unreachable = ServerGenerator(
        URL, transport=httpx.MockTransport(lambda request: httpx.Response(503))
    )
    problem = unreachable.problem()
    assert problem is not None and "s3cret" not in problem and "HTTP 503" in problem


async def test_readiness_names_parts_and_reasons_without_urls(services: Services) -> None:
    class Unreachable(MemoryVectorStore):
        def count(self, user_id: int, doc_id: int | None = None) -> int:
            raise ConnectionError(f"cannot reach {URL}: password authentication failed")

    readiness = Readiness(
        storage=services.engines.storage, store=Unreachable(), worker=services.worker
    )
    problems = await readiness.problems()
    assert problems["database"] is None
    assert problems["vector_store"] == "failed (ConnectionError)"
    assert "s3cret" not in json.dumps(problems) and "password" not in json.dumps(problems)
