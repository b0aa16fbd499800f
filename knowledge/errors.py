"""Domain errors: raised in the core, turned into messages once per entry point."""


class MnemoError(Exception):
    """Base of every error a user may be shown."""


class UnsupportedFile(MnemoError):
    """The file's content is not a type mnemo can read."""


class CorruptFile(MnemoError):
    """The file claims a supported type but cannot be read."""


class EmptyFile(MnemoError):
    """The file holds no text mnemo could extract."""


class FileTooLarge(MnemoError):
    """The file is over a configured limit: bytes, pages, pixels or unpacked size."""


class QuotaExceeded(MnemoError):
    """Keeping the file would take the user over their storage quota."""


class DocumentNotFound(MnemoError):
    """No document with that id in this user's memory."""


class ModelMissing(MnemoError):
    """A model file is not installed; `mnemo models install` provisions it."""


class StoreBusy(MnemoError):
    """The embedded store is open in another process."""


class ServiceUnavailable(MnemoError):
    """A server mnemo is configured to use (PostgreSQL, Qdrant) cannot be reached."""
