"""The owner's alone: the data dir, a backup, a restore and an export are readable by their
owner only (0700/0600) whatever the umask, an older install is tightened at the first
start, the `mnemo` command runs with umask 077, and PostgreSQL's password never reaches a
command line."""

from __future__ import annotations

import json
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy.engine import URL
from typer.testing import CliRunner

from cli.main import app
from knowledge.adapters.backup import restore as unpack_backup
from knowledge.adapters.backup import write_backup
from knowledge.bootstrap import Services, restore
from knowledge.settings import Settings
from tests.core import started
from tests.fakes import FakeEmbedder, FakeOcr, FakeSparseEncoder, FakeTranscriber, ScriptedGenerator


@pytest.fixture
def umask_022() -> Iterator[None]:
    """A permissive umask, as a shell's, for the test (and the one before it restored
    after); `bootstrap` sets 077, so a test sets 022 again before what it checks."""
    before = os.umask(0o022)
    yield
    os.umask(before)


def _loose(top: Path) -> list[str]:
    """What under `top` (and `top` itself) its group or others may read, write or enter."""
    found = []
    for path in [top, *top.rglob("*")]:
        info = path.lstat()
        if not stat.S_ISLNK(info.st_mode) and stat.S_IMODE(info.st_mode) & 0o077:
            found.append(f"{path.relative_to(top.parent)} {stat.S_IMODE(info.st_mode):o}")
    return found


def _settings(data: Path) -> Settings:
    return Settings(_env_file=None, data_dir=data, llm=str(data / "none.gguf"))


def _engines() -> dict[str, object]:
    return {
        "embedder": FakeEmbedder(),
        "sparse": FakeSparseEncoder(),
        "generator": ScriptedGenerator(),
        "ocr": FakeOcr("PARKING LEVEL B3"),
        "transcriber": FakeTranscriber(),
    }


def _open(data: Path) -> Services:
    return started(_settings(data), **_engines())


def _fill(svc: Services, tmp_path: Path) -> None:
    svc.keeping.ingestor.add_note(1, "The spare key is under the blue flower pot.")
    photo = tmp_path / "ticket.png"
    Image.new("RGB", (120, 80), "white").save(photo)
    svc.keeping.ingestor.ingest_file(1, photo)


def test_an_install_its_backup_and_a_restore_are_the_owners_alone(
    tmp_path: Path, umask_022: None
) -> None:
    old, new, backups = tmp_path / "old", tmp_path / "new", tmp_path / "backups"
    svc = _open(old)
    try:
        _fill(svc, tmp_path)
        written = svc.backups.create(backups)
    finally:
        svc.close()
    assert _loose(old) == [] and _loose(backups) == []
    os.umask(0o022)  # the restore must not depend on the umask
    restored = restore(written.path, _settings(new), **_engines())
    assert restored.check.found == restored.check.tried > 0
    assert _loose(new) == []


def test_a_restore_writes_owner_only_files_whatever_the_umask(
    tmp_path: Path, umask_022: None
) -> None:
    svc = _open(tmp_path / "old")
    try:
        _fill(svc, tmp_path)
        written = svc.backups.create(tmp_path / "backups")
    finally:
        svc.close()
    os.umask(0o022)
    unpack_backup(written.path, tmp_path / "new", database_url=None)
    assert [p for p in (tmp_path / "new" / "files").rglob("*") if p.is_file()]  # the photo
    assert _loose(tmp_path / "new") == []


def test_an_older_install_is_tightened_at_its_next_start(tmp_path: Path, umask_022: None) -> None:
    data = tmp_path / "data"
    svc = _open(data)
    try:
        _fill(svc, tmp_path)
    finally:
        svc.close()
    outside = tmp_path / "outside.txt"  # a symlink's target is not the data dir's to change
    outside.write_text("not mnemo's")
    outside.chmod(0o644)
    (data / "elsewhere").symlink_to(outside)
    for path in [data, *data.rglob("*")]:  # as an install from before left it
        if not path.is_symlink():
            path.chmod(0o755 if path.is_dir() else 0o644)
    os.umask(0o022)
    _open(data).close()
    assert _loose(data) == []
    assert stat.S_IMODE(outside.stat().st_mode) == 0o644


def test_an_export_is_the_owners_alone(services: Services, tmp_path: Path, umask_022: None) -> None:
    services.keeping.ingestor.add_note(5, "Пароль от wifi на даче: sosna2024")
    os.umask(0o022)
    target = services.memory.export(5, tmp_path / "mine.zip")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    parts = tmp_path / "parts"
    parts.mkdir()
    for part in services.memory.export_parts(5, parts, part_bytes=None):
        assert stat.S_IMODE(part.stat().st_mode) == 0o600


def test_the_mnemo_command_runs_with_umask_077(tmp_path: Path, umask_022: None) -> None:
    os.umask(0o022)
    done = CliRunner().invoke(app, ["models"])
    assert done.exit_code == 0, done.output
    assert os.umask(0o022) == 0o077


# What a fake PostgreSQL tool records: its arguments, the password it would use (from
# PGPASSWORD or the passfile PGPASSFILE names, read as libpq reads one) and the passfile's
# mode; pg_dump writes a dump where --file says.
FAKE_TOOL = """#!{python}
import json, os, stat, sys

def pgpass_password(path):
    line = open(path).read().splitlines()[0]
    fields, field, escaped = [], "", False
    for char in line:
        if escaped:
            field, escaped = field + char, False
        elif char == "\\\\":
            escaped = True
        elif char == ":" and len(fields) < 4:
            fields, field = fields + [field], ""
        else:
            field += char
    return fields + [field]

passfile = os.environ.get("PGPASSFILE")
record = {{
    "argv": sys.argv,
    "PGPASSWORD": os.environ.get("PGPASSWORD"),
    "passfile": pgpass_password(passfile) if passfile else None,
    "passfile_mode": stat.S_IMODE(os.stat(passfile).st_mode) if passfile else None,
    "passfile_path": passfile,
}}
with open({log!r}, "a") as log:
    log.write(json.dumps(record) + "\\n")
for arg in sys.argv:
    if arg.startswith("--file="):
        open(arg[len("--file="):], "wb").write(b"PGDMP fake dump")
"""


def test_the_postgresql_password_reaches_pg_dump_and_pg_restore_but_never_their_argv(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tools, log = tmp_path / "tools", tmp_path / "calls.jsonl"
    tools.mkdir()
    for name in ("pg_dump", "pg_restore"):
        script = tools / name
        script.write_text(FAKE_TOOL.format(python=sys.executable, log=str(log)))
        script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("PGPASSWORD", "an older one")  # the URL's password wins
    password = "s3cr:et\\pw@/% x"
    url = URL.create(
        "postgresql+psycopg",
        username="mnemo",
        password=password,
        host="db.example",
        port=5433,
        database="mnemo",
    ).render_as_string(hide_password=False)
    assert password not in url  # percent-encoded in the URL: checked in both forms below
    data = tmp_path / "data"
    data.mkdir()
    written = write_backup(
        tmp_path / "backups", data_dir=data, database_url=url, copy_vectors=None, about={}
    )
    unpack_backup(written.path, tmp_path / "new", database_url=url)

    calls = [json.loads(line) for line in log.read_text().splitlines()]
    assert [call["argv"][0].rsplit("/", 1)[-1] for call in calls] == ["pg_dump", "pg_restore"]
    secret_forms = (password, url.split("//", 1)[1].split("@", 1)[0].split(":", 1)[1])
    for call in calls:
        argv = " ".join(call["argv"])
        assert not any(form in argv for form in secret_forms), argv
        assert "--dbname=postgresql://mnemo@db.example:5433/mnemo" in call["argv"]
        reached = call["PGPASSWORD"] or (call["passfile"] or [""])[-1]
        assert reached == password
        if call["passfile"]:
            assert call["passfile"][:4] == ["*"] * 4 and call["passfile_mode"] == 0o600
            assert not Path(call["passfile_path"]).exists()  # removed once the tool is done


@pytest.mark.e2e
def test_the_mnemo_command_leaves_only_owner_only_files(run, tmp_path: Path) -> None:
    before = os.umask(0o022)  # the shell's; the command sets its own
    try:
        run("note", "Cita con el dentista el jueves a las 10", "--user", "3")
        run("export", "--user", "3", "--out", str(tmp_path / "export.zip"))
    finally:
        os.umask(before)
    assert _loose(tmp_path / "data") == []
    assert stat.S_IMODE((tmp_path / "export.zip").stat().st_mode) == 0o600
