"""What every bench shares: XQuAD, a throwaway mnemo install, tables and the closing JSON line."""

from __future__ import annotations

import json
import os
import platform
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

from knowledge.bootstrap import Services, bootstrap
from knowledge.domain.ports import Embedder, Generator, ReadsLinks
from knowledge.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
XQUAD = Path(os.environ.get("MNEMO_XQUAD", ROOT.parent / "shared" / "eval" / "xquad"))
LANGUAGES = ("en", "ru", "es", "zh")

console = Console(width=140)


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    answers: tuple[str, ...]
    paragraph: int


@dataclass(frozen=True)
class Corpus:
    """One language of XQuAD: paragraphs and questions; ids line up across languages."""

    language: str
    paragraphs: list[str]
    questions: list[Question]


def load_xquad(language: str, paragraphs: int | None = None) -> Corpus:
    data = json.loads((XQUAD / f"xquad.{language}.json").read_text(encoding="utf-8"))
    texts: list[str] = []
    questions: list[Question] = []
    for article in data["data"]:
        for paragraph in article["paragraphs"]:
            if paragraphs is not None and len(texts) >= paragraphs:
                break
            number = len(texts)
            texts.append(paragraph["context"])
            questions.extend(
                Question(qa["id"], qa["question"], tuple(a["text"] for a in qa["answers"]), number)
                for qa in paragraph["qas"]
            )
    return Corpus(language, texts, questions)


def spread(items: Sequence[Question], count: int | None) -> list[Question]:
    """`count` questions spread evenly over the set (every paragraph, not the first few)."""
    if count is None or count >= len(items):
        return list(items)
    step = len(items) / count
    return [items[int(i * step)] for i in range(count)]


def models_dir() -> Path:
    return Path(os.environ.get("MNEMO_MODELS_PATH", ROOT / "data" / "models")).resolve()


def threads() -> int:
    return int(os.environ.get("MNEMO_N_THREADS", os.cpu_count() or 1))


@contextmanager
def scratch_install(
    *,
    embedder: Embedder | None = None,
    generator: Generator | None = None,
    web: ReadsLinks | None = None,
    embedder_name: str | None = None,
    **overrides: object,
) -> Iterator[Services]:
    """A real mnemo (SQLite + embedded Qdrant) in a temporary folder, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="mnemo-bench-") as tmp:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            data_dir=Path(tmp),
            models_path=models_dir(),
            n_threads=threads(),
            **({"embedder": embedder_name} if embedder_name else {}),
            **overrides,
        )
        services = bootstrap(settings, embedder=embedder, generator=generator, web=web)
        try:
            services.start()
            yield services
        finally:
            services.close()


def machine() -> dict[str, object]:
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "threads": threads(),
        "python": platform.python_version(),
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def table(title: str, columns: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    view = Table(*columns, title=title)
    for row in rows:
        view.add_row(*(_cell(value) for value in row))
    console.print(view)


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 100 else f"{value:.0f}"
    return str(value)


def finish(figures: dict[str, object]) -> None:
    """The last line of every bench: one JSON object with the figures and ratios."""
    print(json.dumps({"machine": machine(), **figures}, ensure_ascii=False, sort_keys=True))


def shortfall(measured: float, target: float, higher_is_better: bool = True) -> str:
    """'met' or how far from the target, in the target's own terms."""
    met = measured >= target if higher_is_better else measured <= target
    if met:
        return "met"
    return f"missed by {abs(measured - target):.3g} ({measured:.3g} vs {target:.3g})"
