"""Each bench runs end to end on tiny sizes and closes with its JSON line (not a timed test)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def bench(module: str, *args: str, timeout: float = 600) -> tuple[str, dict[str, Any]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MNEMO_")}
    done = subprocess.run(
        [sys.executable, "-m", f"bench.{module}", *args],
        cwd=ROOT,
        env={**env, "HF_HUB_OFFLINE": "1"},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.strip().splitlines()
    return done.stdout, json.loads(lines[-1])


def test_retrieval_bench_measures_every_embedder_and_mode() -> None:
    out, figures = bench("retrieval", "--paragraphs", "10", "--questions", "6")
    embedders = figures["embedders"]
    assert isinstance(embedders, dict)
    assert set(embedders) == {"use-multilingual", "e5-small", "minilm-l6-int8"}
    for scores in embedders.values():
        assert set(scores["scenarios"]) == {
            "en→en",
            "ru→ru",
            "es→es",
            "zh→zh",
            "ru→en",
            "es→en",
            "zh→en",
            "en→mixed",
        }
        for modes in scores["scenarios"].values():
            assert set(modes) == {"dense", "sparse", "hybrid"}
            assert all(0.0 <= value <= 1.0 for value in modes["hybrid"].values())
    # A multilingual model finds Russian questions' English paragraphs; MiniLM cannot.
    ru_en = {name: s["scenarios"]["ru→en"]["dense"]["recall@5"] for name, s in embedders.items()}
    assert ru_en["use-multilingual"] > ru_en["minilm-l6-int8"]
    assert "Retrieval on XQuAD" in out


def test_answers_bench_scores_every_set() -> None:
    out, figures = bench(
        "answers",
        "--languages",
        "en,ru",
        "--questions",
        "2",
        "--cross",
        "2",
        "--paragraphs",
        "10",
        "--raw-prompts",
        "2",
    )
    scores = figures["llms"]["qwen2.5-0.5b"]
    sets = {"xquad/en", "xquad/ru", "xquad-cross/ru→en", "notes/same", "notes/cross"}
    assert sets | {"notes/unanswerable", "notes/time", "cold_start"} <= set(scores)
    for name in sets:
        assert scores[name]["answerable"] >= 2
        for key in ("answer_has_gold", "quote_has_gold"):
            assert 0.0 <= scores[name][key]["rate"] <= 1.0
            low, high = scores[name][key]["ci95"]
            assert low <= scores[name][key]["rate"] <= high
    assert scores["notes/unanswerable"]["honest_refusals"]["n"] >= 10
    assert scores["cold_start"]["kept_state"] > 0 and scores["raw_first_token_p50"] > 0
    assert "Answers with qwen2.5-0.5b" in out


def test_digests_bench_checks_every_line() -> None:
    out, figures = bench("digests", "--sizes", "3", "--languages", "mixed", "--users", "3")
    day = figures["days"]["mixed/3"]
    assert day["items"] == day["covered"] == day["timed"] == 3
    assert day["unsupported"] == 0 and day["unsupported_prepared"] == 0
    assert figures["days"]["crowd"]["users"] == 3
    assert "Digests of generated days" in out


def test_speed_bench_compares_with_the_raw_engines() -> None:
    out, figures = bench(
        "speed",
        "--questions",
        "1",
        "--pages",
        "6",
        "--sizes",
        "1000",
        "--users",
        "1,2",
        "--rss-llms",
        "qwen2.5-0.5b",
        "--load-users",
        "3",
        "--load-seconds",
        "15",
    )
    for key in (
        "raw_generation_tok_s",
        "pipeline_generation_tok_s",
        "ttft_pipeline_cold_s",
        "ingest_ratio",
        "search_p95_ms_1000_hybrid_optimized",
        "bot_2_users_final_p95_s",
        "bot_peak_rss_mb_qwen2.5-0.5b",
    ):
        assert float(figures[key]) > 0, key
    assert figures["bot_2_users_right_answers"] == 1.0
    assert all(figures[f"load_{kind}_sent"] >= 1 for kind in ("note", "question", "file"))
    assert figures["verdict"]["load_replies"] == "met"
    assert set(figures["verdict"]) >= {"generation", "ingest", "search_p95"}
    assert "Pipeline vs raw" in out


def test_the_flood_bench_runs_with_and_without_the_flood() -> None:
    out, figures = bench(
        "speed",
        "--parts",
        "load",
        "--load-flood",
        "--load-runs",
        "1",
        "--load-users",
        "3",
        "--load-seconds",
        "10",
    )
    assert "pooled" in out and "flood p95" in out
    assert str(figures["verdict"]["flood"]).startswith(("met", "missed"))


def test_tenant_search_and_serving_benches_run() -> None:
    out, figures = bench(
        "speed",
        "--parts",
        "tenants,serving",
        "--tenants",
        "4000,1000,200",
        "--tenants-optimize",
        "--tenants-index-from",
        "500",
        "--serving-slots",
        "2",
        "--serving-users",
        "2",
        "--serving-questions",
        "1",
    )
    assert figures["tenants_total"] >= 3900
    assert figures["tenants_index_built"] == 1.0
    for owned in (1000, 200):
        for index in ("raw", "building", "hnsw"):
            assert float(figures[f"tenants_{owned}_hybrid_{index}_p95_ms"]) > 0
    assert float(figures["serving_in_process_answers_per_min"]) > 0
    assert float(figures["serving_server_2_slots_ttft_p50_s"]) > 0
    assert "Serving:" in out and "per-user HNSW" in out


def test_gathering_bench_scores_every_kind() -> None:
    out, figures = bench("gathering", "--people", "zh", "--condense", "3")
    assert 0.0 <= figures["recall"] <= 1.0 and 0.0 <= figures["precision"] <= 1.0
    assert figures["held_out_planner"] > 0.5
    assert figures["section_seconds_max"] > 0
    assert "Gathering answers per kind" in out and "while a document is condensed" in out


def test_planner_bench_reads_every_set_per_language() -> None:
    out, figures = bench("planner", "--explain")
    for name in ("quantities", "quantities_later", "held_out", "gathering"):
        assert {"en", "ru", "es", "zh"} <= set(figures[name]["by_language"])
        assert 0.0 <= figures[name]["right"] <= 1.0
    assert "Planner: quantity questions" in out


def test_changes_bench_scores_current_and_past_values_per_language() -> None:
    out, figures = bench("changes", "--languages", "en,zh", "--limit", "2")
    for language in ("en", "zh"):
        for kind in ("current", "past"):
            measured = figures["languages"][language][kind]
            assert measured["n"] == 2 and 0.0 <= measured["rate"] <= 1.0
    assert "Changing facts" in out


def test_import_bench_times_the_text_beside_the_embedder_and_the_media_apart() -> None:
    out, figures = bench(
        "imports",
        "--messages",
        "60,120",
        "--photos",
        "1",
        "--voices",
        "1",
        "--files",
        "1",
        "--links",
        "1",
    )
    runs = figures["imports"]
    assert [run["messages"] for run in runs] == [60, 120]
    for run in runs:
        assert run["ratio"] > 0 and run["chunks"] == run["messages"]
        assert run["media_links_read"] == 1 and run["media_failed"] == 0
        assert {"media_image_seconds", "media_voice_seconds"} <= set(run)
    assert "rss_growth" in figures and "Import of a Saved Messages export" in out


def test_empty_days_bench_shows_or_refuses_each_time_and_scores_offers() -> None:
    out, figures = bench("empty_days", "--no-model")
    for language in ("en", "ru", "es", "zh", "all"):
        for key in ("days_{}_shown", "days_{}_refused", "offers_{}_done_none"):
            assert 0.0 <= figures[key.format(language)] <= 1.0
    assert "Asked about a time" in out and "Reminder offers for kept notes" in out
