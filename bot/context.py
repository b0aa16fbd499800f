"""The callback context of mnemo's handlers: services and settings at hand."""

from __future__ import annotations

from telegram.ext import Application, CallbackContext, ExtBot

from knowledge.bootstrap import Services


class MnemoContext(CallbackContext[ExtBot[None], dict, dict, dict]):  # type: ignore[type-arg]
    """`context.services` is the knowledge core built by `bootstrap()`."""

    def __init__(
        self,
        application: Application,
        chat_id: int | None = None,  # type: ignore[type-arg]
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)

    @property
    def services(self) -> Services:
        return self.application.bot_data["services"]  # type: ignore[no-any-return]
