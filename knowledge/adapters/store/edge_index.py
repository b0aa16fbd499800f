"""Edge's HNSW graphs, built off the request path.

`EdgeShard.optimize()` holds the Python interpreter for the whole build (minutes for a user
with 100k chunks), so the bot never calls it. When a user's chunks pass `INDEX_FROM_CHUNKS`
and the store has grown since the last build, `EdgeVectorStore.index()`:

1. flushes the shard and copies it to the next generation folder beside it (writes wait
   for the copy, searches do not), and from then on keeps every write in a journal too;
2. runs `optimize()` on the copy in a child process at low priority (this module's `main`),
   which builds one HNSW graph per heavy user (`payload_m` over the tenant index, `m=0`);
3. opens the copy, replays the journal into it, flushes it and switches the pointer file
   (`<space>.current`) to it atomically; new searches go to it, the old shard is closed once
   its searches are done, and its folder removed.

A kill -9 at any step leaves the pointer naming one whole generation holding every write;
the next start removes the others (`Generations.settle`).
"""

from __future__ import annotations

import ctypes
import fcntl
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from math import ceil
from pathlib import Path
from typing import TYPE_CHECKING

from qdrant_edge import (
    DatetimeIndexParams,
    Distance,
    EdgeConfig,
    EdgeOptimizersConfig,
    EdgeShard,
    EdgeSparseVectorParams,
    EdgeVectorParams,
    HnswIndexConfig,
    IntegerIndexParams,
    KeywordIndexParams,
    Modifier,
    UpdateOperation,
)

from knowledge.adapters.files import write_atomically
from knowledge.adapters.store.payload import (
    CREATED,
    DENSE,
    DOC,
    LANG,
    PER_USER_M,
    SPARSE,
    USER,
)

if TYPE_CHECKING:
    from qdrant_edge import PayloadSchemaParams

log = logging.getLogger(__name__)

INDEX_FROM_CHUNKS = 20_000
"""A user with more chunks than this gets an HNSW graph of their own; a user with fewer is
scanned, which stays fast and costs no build. Measured here, 384 dimensions, a store of 100k
chunks: a user of 40k scanned, hybrid p95 18 ms, with a graph 11 ms (the build: 37 s); a
user of 3k, 2-3 ms either way."""

CHECK_SECONDS = 300.0
"""How often the bot's store asks itself whether to build."""

NOTHING_TO_BUILD = 3
"""The child's exit status when `optimize()` found nothing to do."""


def scan_limit_kb(dim: int, chunks: int) -> int:
    """Qdrant sizes its thresholds in KB of (float32) vectors, not in points."""
    return max(1, ceil(chunks * dim * 4 / 1024))


def shard_config(dim: int, index_from: int = INDEX_FROM_CHUNKS) -> EdgeConfig:
    """The shard's configuration, the same in the bot and in the child that builds.

    As on the server (Qdrant's multitenancy guide): no graph over everyone's points (`m=0`),
    one per user over the tenant index (`payload_m`), for users whose vectors pass the
    full-scan threshold; segments smaller than that are not indexed at all."""
    limit = scan_limit_kb(dim, index_from)
    return EdgeConfig(
        vectors={DENSE: EdgeVectorParams(size=dim, distance=Distance.Cosine)},
        sparse_vectors={SPARSE: EdgeSparseVectorParams(modifier=Modifier.Idf)},
        hnsw_config=HnswIndexConfig(
            m=0, ef_construct=100, full_scan_threshold=limit, payload_m=PER_USER_M
        ),
        optimizers=EdgeOptimizersConfig(indexing_threshold=limit),
        wal_enabled=True,
    )


def payload_indexes() -> list[tuple[str, PayloadSchemaParams]]:
    """The payload indexes, each field's graph links off but the user's: with `payload_m`,
    Qdrant would otherwise build a graph for every large block of every indexed field (all
    English chunks, say), which made a build at 100k points take 161 s instead of 37 s."""
    return [
        (USER, KeywordIndexParams(is_tenant=True)),
        (DOC, IntegerIndexParams(lookup=True, range=False, enable_hnsw=False)),
        (CREATED, DatetimeIndexParams(enable_hnsw=False)),
        (LANG, KeywordIndexParams(enable_hnsw=False)),
    ]


def index_payload(shard: EdgeShard) -> None:
    """Create the payload indexes a shard lacks, or has with other graph settings (shards
    made before per-field `enable_hnsw`)."""
    have = shard.info().payload_schema
    for field, params in payload_indexes():
        now = have.get(field)
        kept = now.params if now is not None else None
        if kept is None or kept.enable_hnsw != params.enable_hnsw:
            shard.update(UpdateOperation.create_field_index(field, params))


def wants_index(largest_user: int, points: int, indexed: int, index_from: int) -> bool:
    """Build when some user passed `index_from` chunks and the store grew by a quarter of
    that, or by a tenth, since the last build (new chunks are scanned until then)."""
    grown = points - indexed
    return largest_user >= index_from and grown >= max(index_from // 4, indexed // 10)


class Generations:
    """Where a store's shard lives: the folder it was made in, or a later generation beside
    it (`<name>.<n>`) that the pointer file `<name>.current` names."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.pointer = base.with_name(f"{base.name}.current")
        self.lock = base.with_name(f"{base.name}.lock")

    def claim(self) -> int:
        """Take the space for this process (an open file descriptor, held until closed), or
        raise BlockingIOError when another process has it. Taken before the shard is opened:
        Edge's own lock comes only after it has rewritten files the holder is using."""
        self.base.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.lock, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise
        return fd

    def current(self) -> Path:
        record = self._record()
        return self.base.with_name(str(record["shard"])) if record else self.base

    def indexed_points(self) -> int:
        """Points the store held when it was last built (or found with nothing to build)."""
        record = self._record()
        return int(record.get("points", 0)) if record else 0

    def settle(self) -> Path:
        """The current shard's folder, once the generations an interrupted build left behind
        are removed. Only while this process holds the current shard open: its lock keeps
        out another process, whose build folder this would otherwise remove."""
        current = self.current()
        for folder in self._folders():
            if folder != current:
                log.info("removing %s, left by an interrupted index build", folder.name)
                shutil.rmtree(folder)
        return current

    def next(self) -> Path:
        numbers = [int(f.name.rsplit(".", 1)[1]) for f in self._folders() if f != self.base]
        return self.base.with_name(f"{self.base.name}.{max(numbers, default=0) + 1}")

    def switch(self, shard: Path, points: int) -> None:
        record = json.dumps({"shard": shard.name, "points": points}).encode()
        write_atomically(self.pointer, lambda out: out.write(record))

    def _record(self) -> dict[str, str | int] | None:
        try:
            record: dict[str, str | int] = json.loads(self.pointer.read_text())
        except FileNotFoundError:
            return None
        return record

    def _folders(self) -> list[Path]:
        if not self.base.parent.is_dir():
            return []
        return [
            folder
            for folder in self.base.parent.iterdir()
            if folder.is_dir() and belongs(folder.name, self.base.name)
        ]


KEPT_BESIDE = ("current", "lock")


def belongs(name: str, space: str) -> bool:
    """Whether a file or folder in the vectors folder is the space's: its first shard, a
    later generation, its pointer or its lock."""
    suffix = name.removeprefix(f"{space}.")
    return name == space or (suffix != name and (suffix.isdigit() or suffix in KEPT_BESIDE))


class ChildBuild:
    """`optimize()` on a shard folder, in a child process the parent only waits for."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._child: subprocess.Popen[bytes] | None = None
        self._cancelled = False

    def run(self, folder: Path, dim: int, index_from: int) -> bool:
        """True when the child built something, False when there was nothing to build or
        the build was cancelled; raises when the child failed."""
        arguments = (folder, dim, index_from, os.getpid())
        command = [sys.executable, "-m", __name__, *map(str, arguments)]
        paths = [str(Path(__file__).resolve().parents[3]), os.environ.get("PYTHONPATH", "")]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, paths))}
        with self._lock:
            if self._cancelled:
                return False
            self._child = subprocess.Popen(command, env=env, stderr=subprocess.PIPE)
        _, errors = self._child.communicate()
        status = self._child.returncode
        with self._lock:
            self._child = None
            if self._cancelled:
                return False
        if status == NOTHING_TO_BUILD:
            return False
        if status != 0:
            tail = errors.decode(errors="replace").strip().splitlines()[-3:]
            raise RuntimeError(f"the index build exited with {status}: {' / '.join(tail)}")
        return True

    def cancel(self) -> None:
        with self._lock:
            self._cancelled = True
            if self._child is not None:
                self._child.kill()


class Indexer:
    """A daemon thread asking the store to build every `every` seconds."""

    def __init__(self, index: Callable[[], bool], every: float) -> None:
        self._index = index
        self._every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="edge-indexer", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _loop(self) -> None:
        while not self._stop.wait(self._every):
            try:
                self._index()
            except Exception:
                log.exception("building the search index failed; searches go on without it")


def _die_with_parent(parent: int) -> None:
    """Linux: the kernel kills this child when the bot dies, even by kill -9."""
    if sys.platform.startswith("linux"):
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the line above
        sys.exit(1)


def main(argv: list[str]) -> int:
    folder, dim, index_from, parent = Path(argv[0]), int(argv[1]), int(argv[2]), int(argv[3])
    _die_with_parent(parent)
    os.nice(10)  # the bot's searches and answers come first
    shard = EdgeShard.load(str(folder), shard_config(dim, index_from))
    try:
        built = shard.optimize()
    finally:
        shard.close()
    return 0 if built else NOTHING_TO_BUILD


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
