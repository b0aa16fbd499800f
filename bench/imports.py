"""Import speed: a generated Telegram Saved Messages export, through the real import path
(`Importer`: reading, lookups, chunking on a second thread, batched embedding, BM25, Qdrant
Edge, SQLite), against the embedder alone on the same texts, measured in the same run; then
the export's photos (OCR), voice notes (Whisper), files and links, each timed apart (other
engines). Each size runs in a child process of its own, so its peak memory is its own.

.venv/bin/python -m bench.imports [--messages 1000,10000] [--photos 40] [--voices 10]
    [--files 20] [--links 10] [--runs 1]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import finish, scratch_install, shortfall, table
from bench.telegram_export import ExportPlan, notes_pool, write_export
from knowledge.adapters.web.pages import GuardedWeb
from knowledge.domain.model import Section
from knowledge.services.keeping.indexing import EMBED_BATCH
from tests.audio import speak
from tests.pages import serving
from tests.samples import make_photo

USER = 1
TARGET = 0.9


def child(
    messages: int, photos: int, voices: int, files: int, links: int, embedder: str
) -> dict[str, float]:
    """One size: the text import beside the raw embedder, then the media, in this process."""
    figures: dict[str, object] = {"messages": messages, "embedder": embedder}
    with tempfile.TemporaryDirectory(prefix="mnemo-import-") as tmp, serving() as site:
        folder = Path(tmp)
        write_export(folder / "texts", ExportPlan(messages=messages))
        web = GuardedWeb(max_bytes=2 << 20, timeout_seconds=10, allow_loopback=True)
        with scratch_install(web=web, embedder_name=embedder) as services:
            services.keeping.ingestor.add_note(USER + 1, "A first note, to warm the pipeline up.")
            started = time.perf_counter()
            report = services.keeping.importer.run(USER, folder / "texts")
            pipeline = time.perf_counter() - started
            assert report.added == messages, report
            figures["rss_after_texts_mb"] = _rss_mb()
            figures["texts_note_seconds"] = report.timed.get("note", 0.0)
            figures["texts_days_seconds"] = report.timed.get("days", 0.0)
            texts = [
                chunk.text
                for text in _texts(folder / "texts" / "result.json")
                for chunk in services.indexer.chunker.chunk([Section(text=text)])
            ]
            started = time.perf_counter()
            for start in range(0, len(texts), EMBED_BATCH):
                services.embedder.embed_batch(texts[start : start + EMBED_BATCH])
            raw = time.perf_counter() - started
            figures |= {
                "chunks": float(len(texts)),
                "pipeline_messages_per_s": messages / pipeline,
                "raw_embedder_messages_per_s": messages / raw,
                "ratio": raw / pipeline,
            }
            if photos or voices or files or links:
                plan = ExportPlan(
                    messages=photos + voices + files + links * 97,
                    photos=photos,
                    voices=voices,
                    files=files,
                    links=tuple(f"{site}/article?n={n}" for n in range(links)),
                    seed=3,
                )
                pool = notes_pool(3)
                write_export(
                    folder / "media",
                    plan,
                    photo=lambda path, n: _photo(path, pool[n % len(pool)]),
                    voice=lambda path, n: speak(path, f"Remember to buy bread number {n}"),
                )
                media = services.keeping.importer.run(USER + 2, folder / "media")
                for kind, seconds in media.timed.items():
                    figures[f"media_{kind}_seconds"] = seconds
                figures["media_failed"] = float(len(media.failed))
                figures["media_links_read"] = float(media.links)
                figures["media_items"] = float(media.added)
        figures["rss_peak_mb"] = _rss_mb()
    return figures


def _photo(path: Path, text: str) -> None:
    make_photo(path.with_suffix(".jpg"), text)
    path.with_suffix(".jpg").replace(path)


def _texts(result: Path) -> list[str]:
    messages = json.loads(result.read_text(encoding="utf-8"))["messages"]
    return [str(m["text"]) for m in messages if isinstance(m.get("text"), str) and m["text"]]


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", default="1000,10000")
    parser.add_argument("--photos", type=int, default=40)
    parser.add_argument("--voices", type=int, default=10)
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--links", type=int, default=10)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--embedder", default="use-multilingual")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        figures = child(args.child, args.photos, args.voices, args.files, args.links, args.embedder)
        print(json.dumps(figures))
        return
    results: list[dict[str, float]] = []
    for _ in range(args.runs):
        for size in (int(part) for part in args.messages.split(",")):
            command = [sys.executable, "-m", "bench.imports", "--child", str(size)]
            command += [f"--photos={args.photos}", f"--voices={args.voices}"]
            command += [f"--files={args.files}", f"--links={args.links}"]
            command += [f"--embedder={args.embedder}"]
            done = subprocess.run(command, capture_output=True, text=True, check=True)
            results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    rows = [
        (
            int(r["messages"]),
            int(r["chunks"]),
            r["pipeline_messages_per_s"],
            r["raw_embedder_messages_per_s"],
            r["ratio"],
            shortfall(r["ratio"], TARGET),
            r["rss_after_texts_mb"],
        )
        for r in results
    ]
    columns = ["messages", "chunks", "import msg/s", "raw embedder msg/s", "ratio", "≥ 0.9"]
    table("Import of a Saved Messages export's text", [*columns, "peak RSS, MB"], rows)
    media = [
        (int(r["messages"]), kind.removeprefix("media_").removesuffix("_seconds"), seconds)
        for r in results
        for kind, seconds in r.items()
        if kind.startswith("media_") and kind.endswith("_seconds")
    ]
    table("The export's media, timed apart (s)", ["messages", "kind", "seconds"], media)
    sizes = sorted({int(r["messages"]) for r in results})
    growth = {}
    if len(sizes) >= 2:
        small = max(r["rss_after_texts_mb"] for r in results if r["messages"] == sizes[0])
        large = max(r["rss_after_texts_mb"] for r in results if r["messages"] == sizes[-1])
        growth = {"rss_growth": large / small - 1}
        change = growth["rss_growth"]
        print(f"peak RSS after the text import: {small:.0f} → {large:.0f} MB ({change:+.1%})")
    finish({"imports": results, **growth})


if __name__ == "__main__":
    main()
