"""The bot's own settings, on top of the core's: the Telegram connection, who may talk to
the bot, and how it behaves in a chat."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import NoDecode

from knowledge.settings import Settings


class BotSettings(Settings):
    """MNEMO_* variables of the Telegram adapter (TELEGRAM_BOT_TOKEN also without prefix)."""

    telegram_bot_token: str | None = Field(
        None, validation_alias=AliasChoices("TELEGRAM_BOT_TOKEN", "MNEMO_TELEGRAM_BOT_TOKEN")
    )
    telegram_api_url: str = Field(
        "https://api.telegram.org",
        validation_alias=AliasChoices("TELEGRAM_API_URL", "MNEMO_TELEGRAM_API_URL"),
    )
    allowed_users: Annotated[list[int], NoDecode] = Field(
        default_factory=list,
        description="ids of who may use the bot, outright; * for everyone; unset: its owner "
        "and the people they invite (bot/access.py)",
    )
    open_to_all: bool = Field(False, description="set by MNEMO_ALLOWED_USERS=*")
    admins: Annotated[list[int], NoDecode] = Field(default_factory=list)
    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    webhook_secret: str | None = Field(
        None,
        description="checked on every webhook request (Telegram sends it back); "
        "unset: a random one each start",
    )
    health_port: int | None = Field(
        None, ge=1, le=65535, description="serve /livez, /readyz and /metrics; unset: off"
    )
    health_listen: str = "127.0.0.1"
    digest_grace_minutes: int = Field(120, ge=0)
    stream_edit_seconds: float = Field(1.0, ge=0.2)
    poll_timeout: int = Field(30, ge=0)
    rate_per_minute: int = Field(20, ge=1, description="messages a user may send a minute")
    update_retries: int = Field(
        2,
        ge=0,
        description="times an update whose handling stopped the bot is tried again after a "
        "restart before it is set aside",
    )
    export_part_mb: float = Field(
        49,
        gt=0,
        le=2000,
        description="/export sends zips of at most this size (the public Bot API takes 50 MB)",
    )

    backup_dir: Path | None = Field(
        None, description="daily backups of the whole install go here; unset: none scheduled"
    )
    backup_time: str = Field("03:30", pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="UTC")
    backup_keep: int = Field(7, ge=1, description="backups kept in BACKUP_DIR, the newest")

    @model_validator(mode="before")
    @classmethod
    def _everyone(cls, data: object) -> object:
        """MNEMO_ALLOWED_USERS=*: open to everyone (it takes saying so)."""
        if isinstance(data, dict) and str(data.get("allowed_users", "")).strip() == "*":
            return {**data, "allowed_users": [], "open_to_all": True}
        return data

    @property
    def closed(self) -> bool:
        """No list and not open: only the owner and those they invited use the bot."""
        return not self.open_to_all and not self.allowed_users

    @field_validator("allowed_users", "admins", mode="before")
    @classmethod
    def _id_list(cls, value: object) -> object:
        if isinstance(value, str):
            return [int(part) for part in value.replace(";", ",").split(",") if part.strip()]
        return value
