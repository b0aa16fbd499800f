"""Typed settings from MNEMO_* environment variables and a `.env` file."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from knowledge.domain.model import ImportLimits


class Settings(BaseSettings):
    """Everything the core can be configured with; one instance is built per process.
    Entry points add their own (bot/settings.py)."""

    model_config = SettingsConfigDict(
        env_prefix="MNEMO_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    data_dir: Path = Path("./data")
    models_path: Path | None = Field(None, description="defaults to DATA_DIR/models")
    database_url: str | None = None
    qdrant_url: str | None = None
    qdrant_api_key: str | None = None
    collection: str = "memory"
    connect_seconds: float = Field(
        30, ge=0, description="how long to wait at start for a database or Qdrant server"
    )

    llm: str = "qwen2.5-0.5b"
    llm_url: str | None = Field(
        None,
        description="an OpenAI-compatible server's base URL (http://gpu-box:8080/v1); "
        "unset: the model runs in-process",
    )
    llm_api_key: str | None = Field(None, description="sent as a bearer token to LLM_URL")
    llm_model: str | None = Field(
        None, description="the model name asked of LLM_URL; unset: the first it lists"
    )
    llm_slots: int = Field(
        1,
        ge=1,
        le=64,
        description="questions answered at once: the server's parallel slots "
        "(the in-process model answers one at a time)",
    )
    llm_timeout_seconds: float = Field(
        60, gt=0, description="how long LLM_URL may stay silent before it counts as down"
    )
    embedder: str = "use-multilingual"
    index_from_chunks: int = Field(
        20_000,
        ge=1,
        description="embedded store: a user past this many chunks gets a search graph of "
        "their own, built in a child process; fewer are scanned",
    )

    temperature: float = Field(0.2, ge=0.0, le=2.0)
    top_k: int = Field(40, ge=1)
    top_p: float = Field(0.9, gt=0.0, le=1.0)
    max_tokens: int = Field(384, ge=16)
    n_ctx: int = Field(4096, ge=512)
    n_threads: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1)

    chunk_overlap: int = Field(32, ge=0)
    answer_sources: int = Field(
        6, ge=1, le=20, description="chunks retrieved per question; their sentences are scored"
    )
    evidence_tokens: int = Field(
        220, ge=32, description="prompt tokens of evidence sentences a question may add"
    )
    # Below these evidence scores the reply is "not in your memory", without the model.
    # Evidence in another language than the question can only score by meaning, so it has
    # its own, lower bar. Both calibrated by bench/answers (docs/BENCHMARKS.md).
    evidence_threshold: float = 0.46
    evidence_threshold_other_language: float = 0.30
    history_turns: int = Field(4, ge=0)
    max_waiting_questions: int = Field(
        3, ge=1, description="questions one user may have waiting for the model at once"
    )
    max_waiting_uploads: int = Field(
        10, ge=1, description="files (or exports) one user may have waiting to be read at once"
    )
    # Limits. 20 MB is also the most a chat app's bot API hands over.
    max_file_mb: int = Field(20, ge=1)
    max_pages: int = Field(2000, ge=1)
    max_image_megapixels: int = Field(60, ge=1)
    max_unpacked_mb: int = Field(200, ge=1)
    quota_mb: int | None = Field(1024, ge=1, description="per user; unset: no quota")
    ocr_languages: str = "eng+rus+spa+chi_sim"
    whisper: str = Field(
        "whisper-base",
        description="a preset, a faster-whisper model folder, or a model name it downloads",
    )
    audio_language: str | None = Field(
        None, description="force the language of voice notes (en, ru, es, zh); unset: detect"
    )
    max_audio_minutes: float = Field(10, gt=0, description="longer audio is refused unread")

    fetch_links: bool = Field(
        True,
        description="read the pages of links people send (a fetch tells the site that "
        "someone looked); off: a link is kept as the note it is",
    )
    link_max_mb: int = Field(10, ge=1, description="a linked page or file past this is not read")
    link_timeout_seconds: float = Field(15, gt=0, description="the most one link may take")
    import_max_unpacked_mb: int = Field(
        8192, ge=1, description="a zipped export that unpacks to more is refused"
    )
    import_max_json_mb: int = Field(
        2048, ge=1, description="an export's result.json (or a mnemo export's JSON) past this"
    )
    import_max_entries: int = Field(
        200_000, ge=1, description="a zipped export listing more files is refused"
    )
    import_links_minutes: float = Field(
        10, gt=0, description="the links of one import are read within this, in all"
    )

    inbox_retention_hours: float = Field(
        72,
        ge=25,
        description="handled updates are forgotten after this; Telegram redelivers for 24 h",
    )

    delivery_retry_seconds: float = Field(
        60,
        gt=0,
        description="a scheduled message whose send failed is tried again after this, "
        "then after twice as long each time, five times in all",
    )

    reminder_lead_minutes: int = Field(
        60, ge=0, description="a note naming a time offers a reminder this long before it"
    )
    reminder_grace_minutes: int = Field(
        360,
        ge=10,
        description="a reminder missed while the bot was down is sent late within this, "
        "then marked missed",
    )
    max_reminders: int = Field(
        200, ge=1, description="scheduled reminders one user may have at once"
    )

    default_tz: str = "UTC"
    default_digest_time: str = "21:00"
    digest_skip_empty: bool = True

    @field_validator("default_tz")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo

        ZoneInfo(value)  # raises for an unknown zone
        return value

    @field_validator("llm_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("llm_url must start with http:// or https://")
        return value.rstrip("/") if value else None

    @field_validator("chunk_overlap")
    @classmethod
    def _overlap_is_small(cls, value: int) -> int:
        if value > 128:
            raise ValueError("chunk_overlap must be at most 128 tokens")
        return value

    @property
    def import_limits(self) -> ImportLimits:
        """`mnemo import`'s limits (the bot's uploads get smaller ones, see ImportLimits)."""
        return ImportLimits(
            unpacked_bytes=self.import_max_unpacked_mb << 20,
            json_bytes=self.import_max_json_mb << 20,
            entries=self.import_max_entries,
        )

    @property
    def models_dir(self) -> Path:
        return self.models_path or self.data_dir / "models"

    @property
    def cache_dir(self) -> Path:
        """Derived state, safe to delete: the model's evaluated prompt preamble."""
        return self.data_dir / "cache"

    @property
    def incoming_dir(self) -> Path:
        """Uploads being downloaded and exports being sent: temp folders, removed when done
        (and by the doctor after a kill -9)."""
        return self.data_dir / "incoming"

    @property
    def files_dir(self) -> Path:
        return self.data_dir / "files"

    @property
    def vectors_dir(self) -> Path:
        return self.data_dir / "vectors"

    @property
    def sql_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'mnemo.sqlite3').resolve()}"
