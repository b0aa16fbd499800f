"""Each user's preferences: interface language and answer length."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from knowledge.records import User

ANSWER_TOKENS = {"short": 128, "normal": 384, "long": 768}
LANGUAGES = ("en", "ru", "es", "zh")


@dataclass(frozen=True)
class Profile:
    user_id: int
    language: str
    answer_length: str

    @property
    def max_tokens(self) -> int:
        return ANSWER_TOKENS.get(self.answer_length, ANSWER_TOKENS["normal"])


class Profiles:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def get(self, user_id: int, default_language: str | None = None) -> Profile:
        """The user's profile; created on first sight with the client's language."""
        with self._sessions.begin() as session:
            user = session.get(User, user_id)
            if user is None:
                user = User(id=user_id, language=_supported(default_language))
                session.add(user)
            elif user.language is None and default_language:
                user.language = _supported(default_language)
            return Profile(user_id, user.language or "en", user.answer_length or "normal")

    def set_language(self, user_id: int, language: str) -> Profile:
        if language not in LANGUAGES:
            raise ValueError(f"unsupported language {language}")
        return self._update(user_id, language=language)

    def set_answer_length(self, user_id: int, length: str) -> Profile:
        if length not in ANSWER_TOKENS:
            raise ValueError(f"unsupported answer length {length}")
        return self._update(user_id, answer_length=length)

    def _update(self, user_id: int, **fields: str) -> Profile:
        update_user(self._sessions, user_id, **fields)
        return self.get(user_id)


def update_user(sessions: sessionmaker[Session], user_id: int, **fields: object) -> None:
    """Set columns of a user's row, creating the row on first sight."""
    with sessions.begin() as session:
        user = session.get(User, user_id) or User(id=user_id)
        for name, value in fields.items():
            setattr(user, name, value)
        session.add(user)


def _supported(language: str | None) -> str:
    code = (language or "en").split("-")[0].lower()
    return code if code in LANGUAGES else "en"
