"""Domain errors: raised in the core, worded once per entry point.

Each carries a `code` and the parameters of its message. The bot words the code in the
user's interface language (present/texts: `err_<code>`); the command line and the logs show
the English message the error was raised with.
"""

from __future__ import annotations

from typing import ClassVar


class MnemoError(Exception):
    """Base of every error a user may be shown."""

    default_code: ClassVar[str] = "error"

    def __init__(self, message: str, code: str | None = None, **params: object) -> None:
        super().__init__(message)
        self.code = code or self.default_code
        self.params = params


class UnsupportedFile(MnemoError):
    """The file's content is not a type mnemo can read."""

    default_code = "unsupported_type"


class CorruptFile(MnemoError):
    """The file claims a supported type but cannot be read."""

    default_code = "damaged"


class EmptyFile(MnemoError):
    """The file holds no text mnemo could extract."""

    default_code = "no_text"


class FileTooLarge(MnemoError):
    """The file is over a configured limit: bytes, pages, pixels or unpacked size."""

    default_code = "file_over_limit"


class AudioTooLong(FileTooLarge):
    """A recording runs past the length limit, whatever its container claimed; found out
    while decoding, which stops there."""

    default_code = "audio_over_limit"


class QuotaExceeded(MnemoError):
    """Keeping the file would take the user over their storage quota."""

    default_code = "over_quota"


class DocumentNotFound(MnemoError):
    """No document with that id in this user's memory."""

    default_code = "document_not_found"


class ModelMissing(MnemoError):
    """A model file is not installed; `mnemo models install` provisions it."""

    default_code = "model_missing"


class StoreBusy(MnemoError):
    """The embedded store is open in another process."""

    default_code = "store_busy"


class ServiceUnavailable(MnemoError):
    """A server mnemo is configured to use (PostgreSQL, Qdrant) cannot be reached."""

    default_code = "service_unavailable"


class LlmUnavailable(ServiceUnavailable):
    """The model server (MNEMO_LLM_URL) is down, too slow, or refuses the key; what was
    asked is kept and answered when it is back."""

    default_code = "llm_unavailable"


class LlmRefused(MnemoError):
    """The model server answered the request with a refusal of it (HTTP 400, 404, 413, 422:
    a prompt past its context, an unknown model...): asking again would be refused again,
    so the question is answered with this error instead of being kept."""

    default_code = "llm_refused"


class TooManyWaiting(MnemoError):
    """The user already has as many questions waiting for the model as one may."""

    default_code = "too_many_waiting"


class TooManyUploads(MnemoError):
    """The user already has as many files waiting to be read as one may
    (MNEMO_MAX_WAITING_UPLOADS)."""

    default_code = "too_many_uploads"


class TooManyReminders(MnemoError):
    """The user already has as many reminders scheduled as one may (MNEMO_MAX_REMINDERS)."""

    default_code = "too_many_reminders"


class LinkRefused(MnemoError):
    """A link mnemo will not open: not http(s), or to a private, loopback or link-local
    address (after DNS and after every redirect)."""

    default_code = "link_refused"


class LinkFailed(MnemoError):
    """A link that could not be read: unreachable, too slow, too large, or no text."""

    default_code = "link_failed"


class ImportUnreadable(MnemoError):
    """What was given to import is not an export mnemo can read, or is damaged."""

    default_code = "import_unreadable"


class BackupRefused(MnemoError):
    """A backup that cannot be written or restored: the message says why."""

    default_code = "backup_refused"
