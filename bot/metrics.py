"""Prometheus metrics of the bot: counts and timings only. No label ever holds text, a
name or an id of a user; kinds, outcomes and priorities are fixed small sets."""

from __future__ import annotations

from functools import partial

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from knowledge.services.llm.fair_queue import ASKED, BACKGROUND, SCHEDULED, FairQueue

PRIORITY_NAMES = {ASKED: "asked", SCHEDULED: "scheduled", BACKGROUND: "background"}
INGEST_KINDS = ("note", "document", "image", "voice", "file")
INGEST_OUTCOMES = ("stored", "duplicate", "refused", "failed")
# Seconds, for a 2-core machine (first token in 1-15 s) and a GPU server (well under 1 s).
_LATENCY_BUCKETS = (0.25, 0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 30, 45, 60, 90, 120, 300)


class Metrics:
    def __init__(self, queue: FairQueue) -> None:
        self.registry = CollectorRegistry()
        waiting = Gauge(
            "mnemo_queue_waiting",
            "Model jobs waiting for a turn, by priority",
            ["priority"],
            registry=self.registry,
        )
        for priority, name in PRIORITY_NAMES.items():
            waiting.labels(name).set_function(partial(_waiting, queue, priority))
        running = Gauge("mnemo_queue_running", "Model jobs running now", registry=self.registry)
        running.set_function(lambda: queue.running)
        self.answer_seconds = Histogram(
            "mnemo_answer_seconds",
            "From a question's arrival to its finished answer",
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.first_token_seconds = Histogram(
            "mnemo_answer_first_token_seconds",
            "From a question's arrival to the model's first token",
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.answers = Counter(
            "mnemo_answers_total",
            "Questions answered, by whether memory held the answer",
            ["found"],
            registry=self.registry,
        )
        self.ingests = Counter(
            "mnemo_ingests_total",
            "Things sent to be remembered, by kind and outcome",
            ["kind", "outcome"],
            registry=self.registry,
        )
        self.digests_sent = Counter(
            "mnemo_digests_sent_total",
            "Digests sent: at the user's evening hour (scheduled) or by /digest (asked)",
            ["kind"],
            registry=self.registry,
        )
        self.redeliveries = Counter(
            "mnemo_updates_redelivered_total",
            "Updates dropped because they were handled before",
            registry=self.registry,
        )
        self.set_aside = Counter(
            "mnemo_updates_set_aside_total",
            "Updates given up on after their handling stopped the bot too many times",
            registry=self.registry,
        )
        self.shared_chats = Counter(
            "mnemo_shared_chat_updates_total",
            "Updates from groups and channels, by what the bot did with them",
            ["route"],
            registry=self.registry,
        )
        self.llm_unavailable = Counter(
            "mnemo_llm_unavailable_total",
            "Questions kept because the model server could not be reached",
            registry=self.registry,
        )
        self.deferred = Gauge(
            "mnemo_questions_deferred",
            "Questions kept until the model server is back",
            registry=self.registry,
        )
        for kind in INGEST_KINDS:
            for outcome in INGEST_OUTCOMES:
                self.ingests.labels(kind, outcome)  # every series present from the start
        for found in ("true", "false"):
            self.answers.labels(found)

    def ingested(self, kind: str, outcome: str) -> None:
        self.ingests.labels(kind if kind in INGEST_KINDS else "file", outcome).inc()


def _waiting(queue: FairQueue, priority: int) -> float:
    return queue.waiting().get(priority, 0)
