"""Each user's preferences: interface language and answer length."""

from __future__ import annotations

from dataclasses import dataclass

from knowledge.domain.languages import DEFAULT_LANGUAGE, LANGUAGES
from knowledge.domain.repositories import Storage

ANSWER_TOKENS = {"short": 128, "normal": 384, "long": 768}


@dataclass(frozen=True)
class Profile:
    user_id: int
    language: str
    answer_length: str

    @property
    def max_tokens(self) -> int:
        return ANSWER_TOKENS.get(self.answer_length, ANSWER_TOKENS["normal"])


class Profiles:
    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    def get_or_create(self, user_id: int, client_language: str | None = None) -> Profile:
        """The user's profile; made on first sight, in the language of their client. A read
        when it is there already (every message asks: no write lock taken for it)."""
        with self._storage.read() as uow:
            known = uow.users.get(user_id)
        if known is not None and (known.language is not None or not client_language):
            return Profile(user_id, known.language or DEFAULT_LANGUAGE, known.answer_length)
        with self._storage.begin() as uow:
            user = uow.users.get(user_id)
            if user is None or (user.language is None and client_language):
                uow.users.update(user_id, language=_supported(client_language))
                user = uow.users.get(user_id)
            assert user is not None
            return Profile(user_id, user.language or DEFAULT_LANGUAGE, user.answer_length)

    def language_of(self, user_id: int, client_language: str | None = None) -> str:
        """The user's interface language, or their client's when they have no profile;
        makes no profile (for someone the bot only saw in a group)."""
        with self._storage.read() as uow:
            user = uow.users.get(user_id)
        if user is not None and user.language:
            return user.language
        return _supported(client_language)

    def set_language(self, user_id: int, language: str) -> Profile:
        if language not in LANGUAGES:
            raise ValueError(f"unsupported language {language}")
        return self._update(user_id, language=language)

    def set_answer_length(self, user_id: int, length: str) -> Profile:
        if length not in ANSWER_TOKENS:
            raise ValueError(f"unsupported answer length {length}")
        return self._update(user_id, answer_length=length)

    def _update(self, user_id: int, **fields: str) -> Profile:
        with self._storage.begin() as uow:
            uow.users.update(user_id, **fields)
        return self.get_or_create(user_id)


def _supported(language: str | None) -> str:
    code = (language or DEFAULT_LANGUAGE).split("-")[0].lower()
    return code if code in LANGUAGES else DEFAULT_LANGUAGE
