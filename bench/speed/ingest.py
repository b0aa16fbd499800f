"""Ingest throughput on a generated PDF, against the embedder alone on the same chunks."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from bench.common import scratch_install
from knowledge.adapters.extraction import TesseractOcr, extract
from knowledge.services.keeping.chunking import Chunker
from knowledge.services.keeping.indexing import EMBED_BATCH
from tests.samples import make_pdf

USER = 1


def run(pages: int) -> tuple[list[tuple[object, ...]], dict[str, float]]:
    with tempfile.TemporaryDirectory(prefix="mnemo-pdf-") as tmp:
        pdf = make_pdf(Path(tmp) / "manual.pdf", {}, total=pages)
        with scratch_install() as services:
            # Warm both paths alike, as in a running bot: the embedder's first run and the
            # language identifier's model load are not per-document costs.
            services.keeping.ingestor.add_note(USER, "A first note, to warm the pipeline up.")
            started = time.perf_counter()
            result = services.keeping.ingestor.ingest_file(USER, pdf)
            pipeline = time.perf_counter() - started

            extracted = extract(pdf, ocr=TesseractOcr(services.settings.ocr_languages))
            chunker = Chunker(services.embedder, services.settings.chunk_overlap)
            texts = [chunk.text for chunk in chunker.chunk(extracted.sections)]
            started = time.perf_counter()
            for start in range(0, len(texts), EMBED_BATCH):
                services.embedder.embed_batch(texts[start : start + EMBED_BATCH])
            raw = time.perf_counter() - started
            embedder = services.embedder.name
    figures = {
        "ingest_pages": float(pages),
        "ingest_chunks": float(result.chunks),
        "ingest_pipeline_pages_per_s": pages / pipeline,
        "ingest_raw_embedder_pages_per_s": pages / raw,
        "ingest_ratio": raw / pipeline,
    }
    rows = [
        (
            f"ingest {pages}-page PDF ({embedder}), pages/s",
            figures["ingest_pipeline_pages_per_s"],
            figures["ingest_raw_embedder_pages_per_s"],
            figures["ingest_ratio"],
            "≥ 0.9",
        )
    ]
    return rows, figures
