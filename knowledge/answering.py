"""Answer a question from the asker's memory: retrieve, prompt, stream, cite, remember."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from knowledge.generation import LlmWorker
from knowledge.language import guess_language
from knowledge.model import Citation, GenerationParams, Hit
from knowledge.ports import SparseEncoder
from knowledge.prompting import NO_MEMORY, Prompt, build_prompt, is_refusal, supporting_sources
from knowledge.records import ChatTurn, User
from knowledge.retrieval import Retriever


@dataclass(frozen=True)
class Answer:
    text: str
    sources: list[Citation]
    language: str

    @property
    def unsupported(self) -> bool:
        """An answer that no source of the user's memory backs (and not a refusal)."""
        return not self.sources and not is_refusal(self.text)


class Answerer:
    def __init__(
        self,
        *,
        retriever: Retriever,
        sparse: SparseEncoder,
        worker: LlmWorker,
        sessions: sessionmaker[Session],
        params: GenerationParams,
        n_ctx: int,
        sources: int,
        history_turns: int,
    ) -> None:
        self._retriever = retriever
        self._sparse = sparse
        self._worker = worker
        self._sessions = sessions
        self._params = params
        self._n_ctx = n_ctx
        self._sources = sources
        self._history_turns = history_turns

    async def ask(
        self,
        user_id: int,
        question: str,
        *,
        with_history: bool = False,
        max_tokens: int | None = None,
    ) -> AsyncIterator[str | Answer]:
        """Yield the answer's text as it is generated, then the finished `Answer`.

        Closing the iterator early (`contextlib.aclosing`) stops the generation.
        """
        params = replace(self._params, max_tokens=max_tokens or self._params.max_tokens)
        language = guess_language(question)
        hits = await asyncio.to_thread(self._retriever.search, user_id, question, k=self._sources)
        if not hits:
            text = NO_MEMORY[language]
            yield text
            answer = Answer(text=text, sources=[], language=language)
        else:
            history = await asyncio.to_thread(self.history, user_id) if with_history else []
            prompt = await self._prompt(question, hits, history, params.max_tokens)
            pieces: list[str] = []
            async for piece in self._worker.stream(prompt.messages, params):
                pieces.append(piece)
                yield piece
            text = "".join(pieces).strip()
            backing = supporting_sources(text, prompt.sources, self._terms)
            answer = Answer(text, backing, language)
        await asyncio.to_thread(self._remember, user_id, question, answer)
        yield answer

    async def _prompt(
        self, question: str, hits: list[Hit], history: list[tuple[str, str]], max_tokens: int
    ) -> Prompt:
        budget = self._n_ctx - max_tokens
        return await self._worker.run(
            lambda model: build_prompt(
                question, hits, history, count_tokens=model.count_tokens, budget=budget
            )
        )

    def _terms(self, text: str) -> set[object]:
        return set(self._sparse.encode_query(text).indices)

    def history(self, user_id: int) -> list[tuple[str, str]]:
        """The user's last turns, oldest first."""
        limit = self._history_turns * 2
        if limit == 0:
            return []
        with self._sessions() as session:
            turns = session.scalars(
                select(ChatTurn)
                .where(ChatTurn.user_id == user_id)
                .order_by(ChatTurn.id.desc())
                .limit(limit)
            ).all()
        return [(turn.role, turn.content) for turn in reversed(turns)]

    def _remember(self, user_id: int, question: str, answer: Answer) -> None:
        sources = [
            {
                "number": cited.number,
                "doc": cited.hit.doc_id,
                "page": cited.hit.page,
                "chunk": cited.hit.chunk,
                "label": cited.hit.label(),
            }
            for cited in answer.sources
        ]
        with self._sessions.begin() as session:
            if session.get(User, user_id) is None:
                session.add(User(id=user_id))
                session.flush()
            session.add(ChatTurn(user_id=user_id, role="user", content=question))
            session.add(
                ChatTurn(user_id=user_id, role="assistant", content=answer.text, sources=sources)
            )
