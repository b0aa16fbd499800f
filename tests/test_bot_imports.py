"""Imports, links and backups through the real bot process and the fake Bot API, as a
user does them: a zipped Telegram export sent as a file (progress, then a report), the
same export again (nothing added), a link to a private address (refused, kept as a note),
an export over the file limit (pointed to the CLI), /backup from an admin and not."""

from __future__ import annotations

import tarfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from bench.telegram_export import ExportPlan, write_export
from tests.audio import speak
from tests.botharness import Harness, text_of

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

ADMIN = 1
USER = 5


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory, models_dir: Path) -> Iterator[Harness]:
    root = tmp_path_factory.mktemp("bot")
    harness = Harness(
        root / "data",
        env_extra={
            "MNEMO_MODELS_PATH": str(models_dir),
            "MNEMO_ALLOWED_USERS": f"{ADMIN},{USER},6",
            "MNEMO_ADMINS": str(ADMIN),
            "MNEMO_MAX_FILE_MB": "5",
            "MNEMO_BACKUP_DIR": str(root / "backups"),
        },
    )
    harness.start_server()
    harness.start_bot()
    yield harness
    harness.close()


def _zipped(folder: Path, target: Path) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            archive.write(path, f"ChatExport_2024-05-01/{path.relative_to(folder)}")
    return target


def test_a_zipped_export_imports_with_progress_and_only_once(bot: Harness, tmp_path: Path) -> None:
    def photo(path: Path, number: int) -> None:
        Image.new("RGB", (320 + number, 200), "white").save(path, format="JPEG")

    export = tmp_path / "export"
    plan = ExportPlan(messages=3000, photos=3, voices=1, files=2)
    write_export(export, plan, photo=photo, voice=lambda p, n: speak(p, "Buy bread and milk"))
    archive = _zipped(export, tmp_path / "Telegram.zip")
    bot.send_file(USER, archive)
    done = bot.reply_to(USER, "Imported Telegram.zip", timeout=300)
    assert "3000 added, 0 already in your memory, 0 could not be read" in text_of(done)
    progress = [
        e
        for e in bot.events()
        if e["method"] == "editMessageText" and "Importing Telegram.zip" in str(e["params"])
    ]
    assert progress  # the status message was edited while it ran

    bot.send_file(USER, archive, name="again.zip")
    again = bot.reply_to(USER, "Imported again.zip", timeout=300)
    assert "0 added, 3000 already in your memory" in text_of(again)


def test_a_link_to_a_private_address_is_refused_and_kept_as_a_note(bot: Harness) -> None:
    bot.send(6, "http://127.0.0.1:9090/metrics")
    reply = text_of(bot.reply_to(6, "Saved the link as a note"))
    assert "only public http and https pages" in reply
    bot.send(6, "http://169.254.169.254/latest/meta-data/")
    assert "only public" in text_of(bot.reply_to(6, "Saved the link as a note"))


def test_an_export_over_the_limit_is_pointed_to_the_cli(bot: Harness) -> None:
    bot.send(USER, document={"name": "Telegram.zip", "data": "", "size": 8 << 20})
    reply = text_of(bot.reply_to(USER, "mnemo import"))
    assert "over 5 MB" in reply and f"--user {USER}" in reply


def test_backup_is_for_admins_and_writes_a_verifiable_archive(bot: Harness) -> None:
    bot.send(USER, "/backup")
    assert "Only the bot's admins" in text_of(bot.reply_to(USER, "admins"))
    bot.send(ADMIN, "/backup")
    written = text_of(bot.reply_to(ADMIN, "Backup written", timeout=180))
    path = Path(written.split("Backup written: ", 1)[1].rsplit(" (", 1)[0])
    with tarfile.open(path) as archive:
        names = archive.getnames()
    assert "manifest.json" in names and "data/mnemo.sqlite3" in names
    assert "data/bot-prompts.sqlite3" in names
    assert any(name.startswith("data/vectors/") for name in names)
