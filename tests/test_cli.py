"""The `mnemo` command as a user runs it, in a subprocess."""

from __future__ import annotations

import json
import socket
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.samples import Sample

pytestmark = pytest.mark.e2e  # runs the `mnemo` command as a process


def test_ingest_search_docs_forget(run, samples: list[Sample], tmp_path: Path) -> None:
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 this is not really a zip")
    paths = [str(s.path) for s in (*samples[:3], samples[6])]
    done = run("ingest", paths[0], str(broken), *paths[1:], "--user", "42", code=1)
    assert "✓ manual.pdf: document 1, pdf, 8 pages" in done.stdout
    assert "✓ trip.docx" in done.stdout and "✓ stories.epub" in done.stdout
    assert "read: Parking level B3" in done.stdout
    errors = [line for line in done.stderr.splitlines() if "broken.docx" in line]
    assert len(errors) == 1 and "Traceback" not in done.stderr

    again = run("ingest", paths[0], "--user", "42")
    assert "already in memory as document 1" in again.stdout

    found = json.loads(run("search", samples[0].question, "--user", "42", "--json").stdout)
    assert found[0]["doc"] == 1 and found[0]["page"] == 5 and "24 volts" in found[0]["text"]
    assert {"doc", "page", "chunk", "score", "text"} <= set(found[0])
    assert json.loads(run("search", samples[0].question, "--user", "7", "--json").stdout) == []
    today = datetime.now(UTC).date()
    window = ["--since", str(today - timedelta(days=1)), "--until", str(today + timedelta(days=1))]
    assert json.loads(run("search", "voltage", "--user", "42", "--json", *window).stdout)
    before = ["--until", str(today - timedelta(days=1))]
    assert json.loads(run("search", "voltage", "--user", "42", "--json", *before).stdout) == []

    listing = run("docs", "--user", "42").stdout
    assert "manual.pdf" in listing and "trip.docx" in listing
    assert "Forgot document 1" in run("forget", "1", "--user", "42").stdout
    assert "manual.pdf" not in run("docs", "--user", "42").stdout
    assert "no document 2" in run("forget", "2", "--user", "7", code=1).stderr


def test_ask_without_memory_says_it_is_not_in_memory(run) -> None:
    done = run("ask", "What voltage does the manual recommend?", "--user", "7")
    assert done.stdout.strip() == "That is not in your memory."


def test_a_gathered_list_speaks_the_questions_language(run) -> None:
    run("note", "Пароль от wifi на даче: sosna2024", "--user", "6")
    russian = run("ask", "Что я записал сегодня?", "--user", "6").stdout
    assert "1 запись" in russian and " заметка: Пароль от wifi на даче: sosna2024" in russian
    spanish = run("ask", "Что я записал сегодня?", "--user", "6", "--lang", "es").stdout
    assert "1 elemento" in spanish and " nota: Пароль" in spanish
    assert "note:" not in russian + spanish


def test_missing_file_is_a_one_line_error(run, tmp_path: Path) -> None:
    done = run("ingest", str(tmp_path / "nope.pdf"), "--user", "1", code=1)
    assert done.stderr.strip().endswith("nope.pdf: no such file")


def test_models_lists_installed_with_checksums(run) -> None:
    listing = run("models").stdout
    assert "minilm-l6-int8" in listing and "8199be6f" in listing
    assert "use-multiling" in listing and "b8b05b01" in listing
    assert "whisper-base *" in listing and "d01c3014" in listing  # the speech model, in use


def test_run_without_token_explains_how_to_get_one(run) -> None:
    done = run("run")
    assert "@BotFather" in done.stdout and "mnemo chat" in done.stdout


def test_chat_repl_answers_and_leaves(run) -> None:
    done = run("chat", "--user", "7", stdin="What voltage?\n\nКакое напряжение?\nexit\n")
    assert "That is not in your memory." in done.stdout
    assert "Этого нет в вашей памяти." in done.stdout
    assert done.stdout.count("you> ") == 4


def test_digest_of_an_empty_day(run) -> None:
    done = run("digest", "--user", "7", "--date", "2026-11-20")
    assert done.stdout.strip() == "Nothing was added on 2026-11-20 (UTC)."


def test_remind_lists_and_cancels(run) -> None:
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date()
    set_ = run("remind", "remind me tomorrow at 9 to call the dentist", "--user", "7")
    assert f"#1 {tomorrow:%a %Y-%m-%d} 09:00 (UTC): call the dentist" in set_.stdout
    assert "⏰ set" in run("remind", "через час выключить духовку", "--user", "7").stdout
    unclear = run("remind", "tomorrow at 5 to leave", "--user", "7", code=1)
    assert "morning or evening" in unclear.stderr
    assert "no time given" in run("remind", "hello there", "--user", "7", code=1).stderr
    listed = run("reminders", "--user", "7").stdout.splitlines()
    assert [line.split(" ")[0] for line in listed] == ["#2", "#1"]  # soonest first
    assert run("reminders", "--user", "8").stdout.strip() == "No reminders coming."
    assert (
        "no reminder 1 of user 8" in run("reminders", "--user", "8", "--cancel", "1", code=1).stderr
    )
    assert "cancelled" in run("reminders", "--user", "7", "--cancel", "1").stdout
    assert "#1" not in run("reminders", "--user", "7").stdout


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_unreachable_servers_are_named_in_one_line(run) -> None:
    run("note", "The spare key is under the blue flowerpot.", "--user", "1")
    port = _closed_port()
    waits = {"MNEMO_CONNECT_SECONDS": "2"}
    database = f"postgresql+psycopg://mnemo:s3cret@127.0.0.1:{port}/mnemo"
    qdrant = f"http://127.0.0.1:{port}"

    started = time.monotonic()
    done = run("docs", "--user", "1", code=1, extra={**waits, "MNEMO_DATABASE_URL": database})
    assert time.monotonic() - started < 30  # waited about 2 s, then gave up
    assert f"cannot reach the database postgresql+psycopg://mnemo:***@127.0.0.1:{port}/mnemo" in (
        done.stderr
    )
    assert "s3cret" not in done.stdout + done.stderr and "Traceback" not in done.stderr

    done = run("search", "key", "--user", "1", code=1, extra={**waits, "MNEMO_QDRANT_URL": qdrant})
    assert f"cannot reach the Qdrant server at {qdrant}" in done.stderr
    assert "Traceback" not in done.stderr

    done = run(
        "migrate-store", "--to-database", database, "--to-qdrant", qdrant, code=1, extra=waits
    )
    assert "cannot reach the database" in done.stderr and "Traceback" not in done.stderr
    # Nothing of the install was touched.
    assert "flowerpot" in run("search", "spare key", "--user", "1").stdout


def test_export_writes_everything_in_one_zip(run, samples: list[Sample], tmp_path: Path) -> None:
    import zipfile

    run("ingest", str(samples[0].path), str(samples[1].path), "--user", "42")
    run("note", "Remember to buy oat milk", "--user", "42")
    target = tmp_path / "me.zip"
    done = run("export", "--user", "42", "--out", str(target))
    assert "3 documents" in done.stdout
    with zipfile.ZipFile(target) as archive:
        assert archive.testzip() is None
        documents = json.loads(archive.read("documents.json"))
        assert sorted(d["name"] for d in documents)[:2] == [
            "Remember to buy oat milk",
            "manual.pdf",
        ]
        assert all(d["file"] in archive.namelist() for d in documents if "file" in d)
        assert json.loads(archive.read("notes.json"))[0]["text"] == "Remember to buy oat milk"
        assert json.loads(archive.read("manifest.json"))["parts"] == 1
    assert not (tmp_path / "data" / "mnemo-export-42.zip").exists()
