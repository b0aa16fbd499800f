"""Property: whatever users store, forget, search, ask, digest or export, in any order, no one
ever reads or changes another user's data.

Each stored note carries a secret token naming its owner ("sec-<user>-<n>"); a model of who
owns what is kept beside the real services, and every operation is checked against it: the
tokens a user can see (hits, prompts given to the model, digests, exports) are their own
live ones, and naming another user's document changes nothing.
"""

from __future__ import annotations

import asyncio
import json
import re
import tempfile
import zipfile
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from knowledge.bootstrap import Services
from knowledge.domain.errors import DocumentNotFound
from knowledge.domain.ports import Embedder
from knowledge.domain.search import SearchMode, plan_search
from knowledge.settings import Settings
from tests.core import started
from tests.databases import fresh_postgres_database
from tests.fakes import ScriptedGenerator

USERS = (1, 2, 3)
WORDS = ("garden", "invoice", "meeting", "boat", "recipe", "doctor", "train", "key", "tax")
TOKEN = re.compile(r"sec-(\d+)-(\d+)")

pytestmark = pytest.mark.slow

user = st.sampled_from(USERS)
words = st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map(" ".join)
operation = st.one_of(
    st.tuples(st.just("note"), user, words),
    st.tuples(st.just("forget"), user, st.integers(min_value=1, max_value=30)),
    st.tuples(st.just("search"), user, words),
    st.tuples(st.just("ask"), user, words),
    st.tuples(st.just("digest"), user, st.just("")),
    st.tuples(st.just("export"), user, st.just("")),
)


@dataclass
class Model:
    """Who owns which live document, and its token."""

    owner: dict[int, int] = field(default_factory=dict)  # doc id -> user
    token: dict[int, str] = field(default_factory=dict)  # doc id -> "sec-u-n"

    def tokens_of(self, user_id: int) -> set[str]:
        return {self.token[d] for d, u in self.owner.items() if u == user_id}


def _owners_seen(text: str) -> set[int]:
    return {int(m.group(1)) for m in TOKEN.finditer(text)}


def _only_own(model: Model, user_id: int, text: str) -> None:
    assert _owners_seen(text) <= {user_id}, text
    seen = {m.group(0) for m in TOKEN.finditer(text)}
    assert seen <= model.tokens_of(user_id), (seen, model.tokens_of(user_id))


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=st.lists(operation, min_size=1, max_size=20))
@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_no_operation_crosses_users(
    backend: str,
    operations: list[tuple[str, int, str]],
    multilingual_embedder: Embedder,
    models_dir: Path,
    tiny_gguf: Path,
) -> None:
    sql = fresh_postgres_database() if backend == "postgres" else nullcontext(None)
    with tempfile.TemporaryDirectory() as folder, sql as database_url:
        generator = ScriptedGenerator()
        services = started(
            Settings(
                _env_file=None,
                data_dir=Path(folder) / "data",
                models_path=models_dir,
                llm=str(tiny_gguf),
                quota_mb=None,
                database_url=database_url,
            ),
            embedder=multilingual_embedder,
            generator=generator,
        )
        try:
            _run(services, generator, operations, Path(folder))
        finally:
            services.close()


def _run(
    services: Services,
    generator: ScriptedGenerator,
    operations: list[tuple[str, int, str]],
    folder: Path,
) -> None:
    model = Model()
    for step, (kind, user_id, arg) in enumerate(operations):
        if kind == "note":
            token = f"sec-{user_id}-{step}"
            result = services.keeping.ingestor.add_note(user_id, f"{token} {arg} item {step}")
            model.owner[result.doc_id], model.token[result.doc_id] = user_id, token
        elif kind == "forget":
            doc_id = int(arg)
            before = {u: services.store.count(u) for u in USERS}
            if model.owner.get(doc_id) == user_id:
                services.memory.forget(user_id, doc_id)
                del model.owner[doc_id]
            else:
                with pytest.raises(DocumentNotFound):
                    services.memory.forget(user_id, doc_id)
                assert {u: services.store.count(u) for u in USERS} == before
        elif kind == "search":
            hits = services.retriever.search(user_id, arg, k=10)
            # and the store alone, below the retriever's own check against SQL
            vectors = services.retriever.query_vectors(arg)
            modes: tuple[SearchMode, ...] = ("hybrid", "dense", "sparse")
            for mode in modes:
                hits += services.store.search(plan_search(user_id, vectors, limit=10, mode=mode))
            for hit in hits:
                assert model.owner.get(hit.doc_id) == user_id
                _only_own(model, user_id, hit.text)
        elif kind == "ask":
            generator.prompts.clear()
            asyncio.run(_ask(services, user_id, arg))
            for prompt in generator.prompts:
                _only_own(model, user_id, json.dumps(prompt, ensure_ascii=False))
        elif kind == "digest":
            generator.prompts.clear()
            today = datetime.now(UTC).date()
            digest = asyncio.run(services.digests.digest(user_id, today))
            items = services.digests.items(user_id, today, ZoneInfo("UTC"))
            for item in items:
                assert model.owner.get(item.doc_id) == user_id
                _only_own(model, user_id, item.line)
            for prompt in generator.prompts:
                _only_own(model, user_id, json.dumps(prompt, ensure_ascii=False))
            if digest is not None:
                _only_own(model, user_id, digest.plain())
        elif kind == "export":
            target = services.memory.export(user_id, folder / f"export-{step}.zip")
            with zipfile.ZipFile(target) as archive:
                text = " ".join(archive.read(name).decode() for name in archive.namelist())
            _only_own(model, user_id, text)
            assert {m.group(0) for m in TOKEN.finditer(text)} == model.tokens_of(user_id)
    for user_id in USERS:  # and at the end, every user's memory is exactly theirs
        live = {d for d, u in model.owner.items() if u == user_id}
        assert {doc.id for doc in services.memory.documents(user_id)} == live
        assert set(services.store.documents(user_id)) == live


async def _ask(services: Services, user_id: int, question: str) -> None:
    async for _ in services.answerer.ask(user_id, question):
        pass
