"""Progress reports from long extractions and ingestion."""

from typing import Protocol


class Progress(Protocol):
    def __call__(self, message: str, done: int, total: int) -> None: ...


def no_progress(message: str, done: int, total: int) -> None:
    """A progress sink that ignores reports."""
