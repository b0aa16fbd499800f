"""Edge's per-user HNSW built in a child process while the store keeps serving: writes made
during the build reach the new shard, searches never wait, and a kill -9 at any point
leaves one whole store (edge_index)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from qdrant_edge import EdgeShard, KeywordIndexParams, UpdateOperation

from knowledge.adapters.store import _remove_other_spaces
from knowledge.adapters.store.edge import EdgeVectorStore
from knowledge.adapters.store.edge_index import Generations, belongs, shard_config, wants_index
from knowledge.adapters.store.payload import LANG, USER
from knowledge.domain.errors import StoreBusy
from tests.fakes import FakeEmbedder
from tests.test_store_contract import _chunks, _query, _search

INDEX_FROM = 60
TOPICS = ["tomatoes", "invoices", "guitar", "passport", "marathon", "dentist", "garden"]


def _notes(count: int, start: int = 0) -> list[str]:
    return [
        f"note {n} about {TOPICS[n % len(TOPICS)]} item{n}" for n in range(start, start + count)
    ]


def _open(path: Path) -> EdgeVectorStore:
    return EdgeVectorStore(path, FakeEmbedder.dim, index_from=INDEX_FROM, check_seconds=None)


def _fill(store: EdgeVectorStore, user: int, doc: int, texts: list[str]) -> None:
    store.upsert(user, _chunks(FakeEmbedder(), user, doc, texts))
    store.flush()


def _top(store: EdgeVectorStore, user: int, text: str) -> str:
    hits = _search(store, user, _query(FakeEmbedder(), text), limit=3)
    return hits[0].text if hits else ""


def test_a_build_is_wanted_for_a_heavy_user_once_the_store_grew() -> None:
    assert not wants_index(largest_user=59, points=500, indexed=0, index_from=60)
    assert wants_index(largest_user=60, points=500, indexed=0, index_from=60)
    assert not wants_index(largest_user=600, points=540, indexed=500, index_from=60)
    assert wants_index(largest_user=600, points=550, indexed=500, index_from=60)
    # A big store waits for a tenth more: 1M chunks are not copied for a 5,000-chunk book.
    assert not wants_index(20_000, 1_050_000, 1_000_000, 20_000)
    assert wants_index(20_000, 1_100_000, 1_000_000, 20_000)


def test_generations_settle_on_the_pointer_and_remove_the_rest(tmp_path: Path) -> None:
    base = tmp_path / "space-v2"
    generations = Generations(base)
    base.mkdir()
    assert generations.settle() == base and generations.next().name == "space-v2.1"
    # A kill -9 during a build leaves its copy: the first shard stays.
    (tmp_path / "space-v2.1").mkdir()
    assert generations.settle() == base and not (tmp_path / "space-v2.1").exists()
    # A kill -9 after the switch, before the old shard was removed: the new one stays.
    (tmp_path / "space-v2.2").mkdir()
    generations.switch(tmp_path / "space-v2.2", points=5)
    assert generations.settle() == tmp_path / "space-v2.2" and not base.exists()
    assert generations.indexed_points() == 5 and generations.next().name == "space-v2.3"


def test_other_spaces_go_but_this_space_s_generations_stay(tmp_path: Path) -> None:
    for name in ("mine-v2", "mine-v2.3", "old-v1", "old-v1.2"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "edge_config.json").write_text("{}")
    for name in ("mine-v2.current", "mine-v2.lock", "old-v1.current", "old-v1.lock"):
        (tmp_path / name).write_text("{}")
    _remove_other_spaces(tmp_path, keep="mine-v2")
    kept = {p.name for p in tmp_path.iterdir()}
    assert kept == {"mine-v2", "mine-v2.3", "mine-v2.current", "mine-v2.lock"}
    assert belongs("mine-v2.12", "mine-v2") and not belongs("mine-v2.x", "mine-v2")


@pytest.mark.e2e
def test_index_swaps_in_a_built_shard_keeping_writes_made_during_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = tmp_path / "space"
    store = _open(base)
    _fill(store, 1, 10, _notes(200))
    _fill(store, 2, 20, ["The spare key is under the blue flowerpot."])
    _fill(store, 1, 11, ["My passport expires in March 2031."])
    assert _top(store, 1, "passport expires") == "My passport expires in March 2031."
    seen_during_build: list[str] = []
    build = store._builder.run

    def build_while_users_write(*args: object) -> bool:
        # Another thread writes and searches while the child builds: nothing may wait.
        def meanwhile() -> None:
            _fill(store, 1, 12, ["The boiler was serviced on 3 November."])
            store.delete_document(1, 11)
            _fill(store, 3, 30, ["Maria's birthday is on 14 July."])
            seen_during_build.append(_top(store, 1, "boiler serviced"))

        # Another process (the CLI beside the bot) is refused, and touches nothing: the
        # writes below still flush (Edge's own lock came after it had rewritten files).
        with pytest.raises(StoreBusy):
            _open(base)
        assert (tmp_path / "space.1").is_dir() and base.is_dir()
        writer = threading.Thread(target=meanwhile)
        writer.start()
        writer.join(timeout=10)
        assert not writer.is_alive(), "a write or a search waited for the build"
        return build(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(store._builder, "run", build_while_users_write)
    assert store.index() is True
    assert seen_during_build == ["The boiler was serviced on 3 November."]
    pointer = json.loads((tmp_path / "space.current").read_text())
    assert pointer == {"shard": "space.1", "points": 203}
    assert not base.exists(), "the old shard's folder is removed"
    # The new shard holds everything, including what was written during the build.
    assert _top(store, 1, "boiler serviced") == "The boiler was serviced on 3 November."
    assert _top(store, 1, "passport expires") != "My passport expires in March 2031."
    assert _top(store, 3, "birthday") == "Maria's birthday is on 14 July."
    assert _top(store, 2, "spare key") == "The spare key is under the blue flowerpot."
    assert store.documents(1) == {10: 200, 12: 1} and store.users() == {1, 2, 3}
    assert _top(store, 1, "note 77 tomatoes item77") == "note 77 about tomatoes item77"
    assert store.index() is False, "nothing grew since the build"
    store.close()
    # Reopened, the store is the new generation.
    again = _open(base)
    try:
        assert again.documents(1) == {10: 200, 12: 1}
        assert _top(again, 3, "birthday") == "Maria's birthday is on 14 July."
        _fill(again, 1, 13, _notes(60, start=200))
        assert again.index() is True
        assert json.loads((tmp_path / "space.current").read_text())["shard"] == "space.2"
        assert again.count(1) == 261
    finally:
        again.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["space.2", "space.current", "space.lock"]


@pytest.mark.e2e
def test_light_users_cost_no_build(tmp_path: Path) -> None:
    store = _open(tmp_path / "space")
    try:
        for user in range(1, 6):
            _fill(store, user, user, _notes(INDEX_FROM - 1))
        assert store.index() is False
        assert not (tmp_path / "space.current").exists() and not (tmp_path / "space.1").exists()
    finally:
        store.close()


KILLED_MID_BUILD = """
import sys, threading
from pathlib import Path
from tests.test_edge_index import _fill, _notes, _open
store = _open(Path(sys.argv[1]))
_fill(store, 1, 10, _notes(3000))
threading.Thread(target=store.index).start()
while not Path(sys.argv[1] + ".1").exists():
    pass
_fill(store, 1, 11, ["Written while the index was being built."])
print("building", flush=True)
threading.Event().wait()
"""


@pytest.mark.e2e
def test_kill_9_mid_build_keeps_every_write_and_stops_the_child(tmp_path: Path) -> None:
    base = tmp_path / "space"
    bot = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(KILLED_MID_BUILD), str(base)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert bot.stdout is not None
    assert bot.stdout.readline().strip() == "building"
    deadline = time.monotonic() + 10
    while not (builders := _builders(base)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert builders, "no child process builds the index"
    os.kill(bot.pid, signal.SIGKILL)
    bot.wait(timeout=10)
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in builders) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in builders), "the build outlived the bot"
    store = _open(base)
    try:
        assert store.documents(1) == {10: 3000, 11: 1}
        assert not (tmp_path / "space.1").exists()
        assert _top(store, 1, "written while index") == "Written while the index was being built."
    finally:
        store.close()


def _builders(base: Path) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if (
                b"knowledge.adapters.store.edge_index" in command
                and str(base).encode() + b".1" in command
            ):
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except OSError:
        return False
    return state != "Z"


def test_shards_made_before_get_graph_links_only_for_users(tmp_path: Path) -> None:
    """Older shards indexed every field with graph links: reopened, the other fields are
    indexed again without them, so a build makes graphs per user only."""
    folder = tmp_path / "space"
    folder.mkdir()
    old = EdgeShard.create(str(folder), shard_config(FakeEmbedder.dim))
    old.update(UpdateOperation.create_field_index(USER, KeywordIndexParams(is_tenant=True)))
    old.update(UpdateOperation.create_field_index(LANG, KeywordIndexParams()))
    old.close()
    _open(folder).close()
    reopened = EdgeShard.load(str(folder))
    try:
        schema = reopened.info().payload_schema
        links = {field: getattr(schema[field].params, "enable_hnsw", None) for field in schema}
        assert links == {USER: None, LANG: False, "doc_id": False, "created_at": False}
    finally:
        reopened.close()


def test_a_failed_build_leaves_the_store_serving_and_waits_for_growth(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = _open(tmp_path / "space")
    try:
        _fill(store, 1, 10, _notes(100))

        def out_of_memory(*args: object) -> bool:
            raise RuntimeError("the index build exited with -9")

        monkeypatch.setattr(store._builder, "run", out_of_memory)
        with pytest.raises(RuntimeError):
            store.index()
        assert sorted(p.name for p in tmp_path.iterdir()) == ["space", "space.lock"], "copy gone"
        assert store.index() is False, "not tried again before the store grows"
        _fill(store, 1, 11, ["Written after the failed build."])
        assert _top(store, 1, "written after failed") == "Written after the failed build."
        _fill(store, 1, 12, _notes(INDEX_FROM // 4, start=100))
        with pytest.raises(RuntimeError):
            store.index()  # grown enough: tried again
    finally:
        store.close()
