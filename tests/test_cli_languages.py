"""Every `mnemo` reply in the user's language, as the bot speaks to them (their profile's):
a Russian speaker's notes, files, lists, reminders, imports and errors in Russian, with no
English word left in the frame around their own words; an English speaker's as before.
Fast: the commands called in-process on the core on fakes."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import typer

from cli import console, imports, main, reminders, reports
from knowledge.bootstrap import Services
from knowledge.domain.errors import DocumentNotFound, ModelMissing, TooManyReminders
from knowledge.services.answers.document_summaries import DocumentSummary, SectionLine
from knowledge.services.keeping.importing import ImportReport
from knowledge.services.sending.reminder_states import Restored
from present.render_plain import summary_plain
from present.texts import BY_LANGUAGE

USER = 31
# The frame's English: words of the commands' old English replies (the user's own words and
# the names of commands, files and zones are taken out before the check).
ENGLISH = re.compile(
    r"(?i:\b(?:note|saved|already|memory|document|documents|chunks|pages|read|forgot|empty|"
    r"nothing|added|week|reminder|reminders|coming|set|cancelled|cancel|no|error|failed|"
    r"folder|export|replaced|skipped|restored|score|doc|name|kind|size|status|your)\b)"
    r"|\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)\b"
)
OWN_WORDS = ("позвонить маме", "Купить молоко", "mnemo reminders --cancel ID", "--prune", "UTC")


@pytest.fixture
def said(
    services: Services, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., tuple[str, str]]:
    """`said(command, *args)`: the command run on the test's core; its stdout and stderr
    (an exit, as a failing command makes, said on stderr as `exit N`)."""

    @contextmanager
    def the_core() -> Iterator[Services]:
        yield services

    for module in (main, reminders, imports):
        monkeypatch.setattr(module, "services", the_core)

    def run(command: Callable[..., None], *args: object, **options: object) -> tuple[str, str]:
        capsys.readouterr()
        try:
            command(*args, **options)
        except typer.Exit as stop:
            print(f"exit {stop.exit_code}", file=sys.stderr)
        done = capsys.readouterr()
        return done.out, done.err

    return run


def _english_left(text: str) -> list[str]:
    for words in OWN_WORDS:
        text = text.replace(words, "")
    return ENGLISH.findall(text)


def test_a_russian_speakers_reminders_are_said_in_russian(services: Services, said) -> None:
    services.profiles.set_language(USER, "ru")
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date()
    weekday = BY_LANGUAGE["ru"]["weekday_names"].split()[tomorrow.weekday()]

    set_, _ = said(reminders.remind_command, "напомни завтра в 9 позвонить маме", USER)
    assert (
        set_.strip()
        == f"⏰ поставлено: #1 {weekday} {tomorrow:%Y-%m-%d} 09:00 (UTC): позвонить маме"
    )
    listed, _ = said(reminders.reminders_command, USER)
    assert listed.strip() == f"#1 {weekday} {tomorrow:%Y-%m-%d} 09:00 (UTC): позвонить маме"
    _, unclear = said(reminders.remind_command, "напомни завтра в 5 позвонить маме", USER)
    _, timeless = said(reminders.remind_command, "привет", USER)
    _, missing = said(reminders.reminders_command, USER, cancel=7)
    assert "утра или вечера?" in unclear and "не сказано когда" in timeless
    assert "у пользователя 31 нет напоминания 7" in missing
    cancelled, _ = said(reminders.reminders_command, USER, cancel=1)
    assert cancelled.startswith("✖ отменено: #1 ")
    none, _ = said(reminders.reminders_command, USER)
    assert none.strip() == "Напоминаний впереди нет."

    replies = set_ + listed + unclear + timeless + missing + cancelled + none
    assert _english_left(replies) == [], replies


def test_a_russian_speakers_note_file_list_forget_and_digest_are_said_in_russian(
    services: Services, said, tmp_path: Path
) -> None:
    services.profiles.set_language(USER, "ru")
    kept, _ = said(main.note, "Купить молоко", USER, no_fetch=True)
    assert kept.strip() == "Заметка сохранена как документ 1."
    manual = tmp_path / "manual.txt"
    manual.write_text("The boiler runs on 24 volts.\n")
    read, absent = said(main.ingest, [manual, tmp_path / "nope.pdf"], USER)
    assert read.startswith("✓ manual.txt: документ 2, text, фрагментов: 1, за ")
    assert "nope.pdf: такого файла нет" in absent and "exit 1" in absent
    listing, _ = said(main.docs, USER)
    assert "название" in listing and "manual.txt" in listing
    _, unknown = said(main.forget, 99, USER)
    assert "ошибка: в вашей памяти нет документа 99" in unknown
    forgotten, _ = said(main.forget, 2, USER)
    assert forgotten.strip() == "Документ 2 (manual.txt) забыт."
    empty, _ = said(main.digest, USER, day=datetime(2026, 11, 20))
    assert empty.strip() == "За 2026-11-20 ничего не добавлено (UTC)."
    today, _ = said(main.digest, USER)
    assert "заметка: Купить молоко" in today and "1 заметка" in today

    replies = kept + read + absent + unknown + forgotten + empty + today
    assert _english_left(replies.replace("manual.txt", "").replace("nope.pdf", "")) == []


def test_an_import_report_is_said_in_the_users_language(
    services: Services, said, tmp_path: Path
) -> None:
    services.profiles.set_language(USER, "es")
    vault = tmp_path / "Vault"
    vault.mkdir()
    (vault / "Cabin.md").write_text("The cabin key is under the stone.\n")
    done, _ = said(imports.import_command, vault, USER)
    assert done.startswith("✓ carpeta: 1 añadidos, 0 ya estaban en la memoria, 0 fallidos, en ")

    report = ImportReport(
        kind="mnemo-export",
        added=3,
        replaced=1,
        skipped=2,
        failed=[("a.pdf", "damaged")],
        gone=["Old.md"],
        reminders=Restored(added=1, past=1),
    )
    out, errors = said(reports.print_report, report, "ru")
    assert out.startswith(
        "✓ экспорт mnemo: добавлено 3, уже было в памяти 0, изменено и заменено 1"
    )
    assert "⏰ напоминания: восстановлено 1, уже были 0, просрочено 1" in out
    assert "больше нет в папке: 1" in out and "a.pdf: damaged" in errors
    assert _english_left(out) == []


def test_an_english_speaker_reads_what_the_command_line_always_said(
    services: Services, said
) -> None:
    kept, _ = said(main.note, "Buy oat milk", USER, no_fetch=True)
    assert kept.strip() == "Note saved as document 1."
    none, _ = said(reminders.reminders_command, USER)
    assert none.strip() == "No reminders coming."
    _, unknown = said(main.forget, 99, USER)
    assert "error: no document 99 in your memory" in unknown


def test_a_core_error_is_worded_in_the_users_language() -> None:
    missing = DocumentNotFound("no document 4 in your memory", doc_id=4)
    capped = TooManyReminders("you have 2 reminders scheduled", limit=2)
    model = ModelMissing("no chat model at /models/x.gguf: run mnemo models install")
    assert console.error_said(missing, "en") == "no document 4 in your memory"
    assert console.error_said(missing, "zh") == "你的记忆中没有文档 4"
    assert "mnemo reminders --cancel" in console.error_said(capped, "es")
    assert "/reminders" not in console.error_said(capped, "ru").replace("mnemo reminders", "")
    russian = console.error_said(model, "ru")
    assert russian.startswith("mnemo сейчас не может это сделать: ") and "x.gguf" in russian


def test_a_documents_summary_is_framed_in_the_asked_language() -> None:
    lines = [SectionLine("Ｗ", None, "Ｗ")]
    summary = DocumentSummary(1, "Ｗ.pdf", 12, lines, done=1, total=3)
    chinese = summary_plain(summary, "zh")
    assert chinese.splitlines() == [
        "Ｗ.pdf, 12 页",
        "已概括 1/3 个部分；其余的正在阅读。",
        "- Ｗ: Ｗ",
    ]
    assert _english_left(summary_plain(summary, "es").replace("Ｗ.pdf", "")) == []
