"""`mnemo import`, `mnemo backup` and `mnemo restore` as a user runs them, in a subprocess,
on the real embedder: a Telegram export imported, dated, searched by month, asked about,
imported again without duplicates, resumed after kill -9; a vault synced; a backup
restored into a new data dir that answers the same."""

from __future__ import annotations

import json
import re
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bench.telegram_export import ExportPlan, write_export

pytestmark = pytest.mark.e2e


def _count(database: Path, query: str) -> int:
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5) as db:
            return int(db.execute(query).fetchone()[0])
    except sqlite3.Error:
        return 0


def test_a_telegram_export_imports_keeps_its_dates_and_imports_once(run, tmp_path: Path) -> None:
    export = tmp_path / "ChatExport"
    write_export(export, ExportPlan(messages=400, files=3))
    done = run("import", str(export), "--user", "5")
    assert "✓ Telegram export: 400 added, 0 already in memory" in done.stdout
    again = run("import", str(export), "--user", "5")
    assert "0 added, 400 already in memory" in again.stdout

    march = ["--since", "2023-03-01", "--until", "2023-04-01", "--k", "50", "--json"]
    hits = json.loads(run("search", "breakfast lunch dinner", "--user", "5", *march).stdout)
    assert hits
    listing = run("docs", "--user", "5").stdout
    assert "2023-" in listing
    answer = run("ask", "What did I note in March 2023?", "--user", "5", "--all").stdout
    head = answer.splitlines()[0]
    assert "Mar 1, 2023 – Mar 31, 2023" in head
    messages = json.loads((export / "result.json").read_text())["messages"]
    start, end = datetime(2023, 3, 1, tzinfo=UTC), datetime(2023, 4, 1, tzinfo=UTC)
    written = [datetime.fromtimestamp(int(m["date_unixtime"]), UTC) for m in messages]
    in_march = sum(start <= moment < end for moment in written)
    found = re.search(r"(\d+) items", head)
    assert in_march > 0 and found and int(found.group(1)) >= in_march  # and what names March


def test_an_import_killed_midway_resumes_where_it_stopped(run, tmp_path: Path) -> None:
    export = tmp_path / "ChatExport"
    write_export(export, ExportPlan(messages=3000))
    data = tmp_path / "data"
    run("docs", "--user", "5")  # the data dir made, migrated
    command = [sys.executable, "-m", "cli", "import", str(export), "--user", "5"]
    child = subprocess.Popen(command, env=run.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    database = data / "mnemo.sqlite3"
    deadline = time.monotonic() + 240
    while _count(database, "SELECT count(*) FROM documents") < 700:
        assert child.poll() is None, child.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    child.send_signal(signal.SIGKILL)
    child.wait()
    partial = _count(database, "SELECT count(*) FROM documents")
    assert 700 <= partial < 3000

    resumed = run("import", str(export), "--user", "5")
    assert "already in memory" in resumed.stdout
    assert _count(database, "SELECT count(*) FROM documents") == 3000
    assert _count(database, "SELECT count(DISTINCT source) FROM documents") == 3000
    assert _count(database, "SELECT count(*) FROM documents WHERE status != 'ready'") == 0
    assert "✓ consistent: 0 documents, 3000 notes" in run("doctor").stdout


def test_a_vault_imports_and_syncs(run, tmp_path: Path) -> None:
    vault = tmp_path / "Vault"
    (vault / ".obsidian").mkdir(parents=True)
    (vault / "Daily").mkdir()
    (vault / "Daily" / "2024-03-05.md").write_text("Ran 5 km by the river with [[Marta]].")
    (vault / "Cabin.md").write_text(
        "---\ndate: 2023-07-14\ntags: [trips]\n---\nKey under the blue pot."
    )
    first = run("import", str(vault), "--user", "3")
    assert "✓ folder: 2 added" in first.stdout
    (vault / "Cabin.md").write_text("---\ndate: 2023-07-14\n---\nThe key moved to the shed.")
    (vault / "Daily" / "2024-03-05.md").unlink()
    synced = run("import", str(vault), "--user", "3")
    assert "1 changed and replaced" in synced.stdout and "Daily/2024-03-05.md" in synced.stdout
    found = json.loads(run("search", "where is the key", "--user", "3", "--json").stdout)
    assert "shed" in found[0]["text"] and all("blue pot" not in hit["text"] for hit in found)
    pruned = run("import", str(vault), "--user", "3", "--prune")
    assert "1 forgotten" in pruned.stdout
    assert "2024-03-05.md" not in run("docs", "--user", "3").stdout


def test_a_backup_restored_elsewhere_answers_the_same(run, tmp_path: Path) -> None:
    export = tmp_path / "ChatExport"
    write_export(export, ExportPlan(messages=200))
    run("import", str(export), "--user", "5")
    run("note", "The spare key is under the blue flower pot.", "--user", "5")
    question = ["search", "where is the spare key", "--user", "5", "--json"]
    before = json.loads(run(*question).stdout)
    written = run("backup", str(tmp_path / "backups"), "--keep", "3")
    archive = next((tmp_path / "backups").glob("mnemo-backup-*.tar"))
    assert str(archive) in written.stdout

    elsewhere = {"MNEMO_DATA_DIR": str(tmp_path / "elsewhere")}
    restored = run("restore", str(archive), extra=elsewhere)
    assert "restored 201 documents" in restored.stdout
    assert "sample searches: 20 of 20 found their document" in restored.stdout
    assert json.loads(run(*question, extra=elsewhere).stdout) == before
    refused = run("restore", str(archive), extra=elsewhere, code=1)
    assert "not empty" in refused.stderr


def test_a_chat_imported_with_all_senders_keeps_who_said_each_message(run, tmp_path: Path) -> None:
    from tests.test_senders import ME, _chat

    chat = _chat(tmp_path / "Chat")
    own = run("import", str(chat), "--user", str(ME)).stdout
    assert "2 added, 0 already in memory" in own
    assert "3 messages of others left out (--all-senders keeps them)" in own
    everyone = run("import", str(chat), "--user", str(ME), "--all-senders").stdout
    assert "3 added, 2 already in memory" in everyone
    again = run("import", str(chat), "--user", str(ME), "--all-senders").stdout
    assert "0 added, 5 already in memory" in again
    found = run("search", "what did Anna say about the flight", "--user", str(ME)).stdout
    assert found.split("\n[2]")[0].endswith("The flight lands at 18:40, terminal 2.")  # hers first
