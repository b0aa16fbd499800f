"""A whole install in one archive, and back: a tar with a manifest of every file's sha256.

What it holds: each SQLite database of the data dir (mnemo's and the bot's own) copied
through SQLite's online backup API, so a running bot's writes never tear it; with
PostgreSQL, `pg_dump`'s custom-format dump instead of mnemo's database; the embedded
vector store's shard, copied by the store under its write lock after a flush; and the
originals. A Qdrant server's vectors are not in it: they are rebuilt from the chunks kept
in SQL at the first start after a restore. The archive is written beside its destination
and renamed there when whole and fsynced, so a kill -9 never leaves half an archive named
as a backup.

Everything written is the owner's alone, whatever the process umask: the archive 0600 (in a
folder created 0700), a restore's files 0600 and folders 0700. PostgreSQL's password is
never on a command line (where `ps` shows it): the tools get it in a temporary 0600
passfile (PGPASSFILE).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import IO, Any

from sqlalchemy.engine import URL, make_url

from knowledge.adapters.permissions import make_private, open_private, private_dir
from knowledge.domain.errors import BackupRefused
from knowledge.domain.model import BackupWritten
from knowledge.domain.names import UnsafeName, ensure_inside

FORMAT = "mnemo-backup"
VERSION = 1
MANIFEST = "manifest.json"
DUMP = "database.dump"
MODELS = "models"  # installed models: never in a backup, may already be in a new data dir
RESTORING = ".restore"  # where a PostgreSQL dump waits for pg_restore


class TarArchives:
    """`Archives` over this module: the install's data dir and its database."""

    def __init__(self, data_dir: Path, database_url: str | None) -> None:
        self._data_dir = data_dir
        self._database_url = database_url

    def write(
        self,
        dest: Path,
        *,
        copy_vectors: Callable[[Path], None] | None,
        about: dict[str, Any],
    ) -> BackupWritten:
        return write_backup(
            dest,
            data_dir=self._data_dir,
            database_url=self._database_url,
            copy_vectors=copy_vectors,
            about=about,
        )


def backup_path(dest: Path, now: datetime | None = None) -> Path:
    """DEST itself when it names a .tar file, else a dated archive in the folder DEST."""
    if dest.suffix == ".tar":
        return dest
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
    return dest / f"mnemo-backup-{stamp}.tar"


def write_backup(
    dest: Path,
    *,
    data_dir: Path,
    database_url: str | None,
    copy_vectors: Callable[[Path], None] | None,  # writes the store's space into a folder
    about: dict[str, Any],
) -> BackupWritten:
    """Write the archive; `about` (counts, the embedder) goes into the manifest."""
    started = time.monotonic()
    target = backup_path(dest)
    private_dir(target.parent)
    for left in target.parent.glob(".mnemo-backup-*"):  # what a kill -9 left mid-backup
        if left.is_dir():
            shutil.rmtree(left)
        else:
            left.unlink(missing_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    checksums: dict[str, dict[str, Any]] = {}
    try:
        with (
            tempfile.TemporaryDirectory(dir=target.parent, prefix=".mnemo-backup-") as stage,
            open_private(partial) as handle,
            tarfile.open(fileobj=handle, mode="w", format=tarfile.PAX_FORMAT) as archive,
        ):
            staged = Path(stage)
            for database in sorted(data_dir.glob("*.sqlite3")):
                copy = staged / database.name
                _sqlite_copy(database, copy)
                _add(archive, copy, f"data/{database.name}", checksums)
                copy.unlink()
            if database_url:
                _add(archive, _pg_dump(database_url, staged / DUMP), DUMP, checksums)
            if copy_vectors is not None:
                vectors = staged / "vectors"
                copy_vectors(vectors)
                for path in _files_under(vectors):
                    _add(
                        archive,
                        path,
                        f"data/vectors/{path.relative_to(vectors).as_posix()}",
                        checksums,
                    )
                shutil.rmtree(vectors)
            files = data_dir / "files"
            for path in _files_under(files):
                name = f"data/files/{path.relative_to(files).as_posix()}"
                try:
                    _add(archive, path, name, checksums)
                except FileNotFoundError:  # forgotten since it was listed
                    continue
            manifest = {
                "format": FORMAT,
                "version": VERSION,
                "created_at": datetime.now(UTC).isoformat(),
                "database": "postgresql" if database_url else "sqlite",
                "vectors": copy_vectors is not None,
                **about,
                "files": checksums,
            }
            body = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(body), int(time.time())
            archive.addfile(info, io.BytesIO(body))
        _fsync(partial)
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return BackupWritten(
        target,
        target.stat().st_size,
        len(checksums),
        time.monotonic() - started,
        bool(copy_vectors),
    )


def read_manifest(archive_path: Path) -> dict[str, Any]:
    try:
        with tarfile.open(archive_path, "r:") as archive:
            member = archive.extractfile(MANIFEST)
            manifest: dict[str, Any] = json.load(member) if member else {}
    except (OSError, KeyError, tarfile.TarError, ValueError) as exc:
        raise BackupRefused(f"{archive_path.name} is not a mnemo backup: {exc}") from exc
    if manifest.get("format") != FORMAT or int(manifest.get("version", 0)) > VERSION:
        raise BackupRefused(f"{archive_path.name} is not a mnemo backup this version reads")
    return manifest


def verify(archive_path: Path) -> dict[str, Any]:
    """The manifest, once every file in the archive matched its checksum (nothing missing,
    nothing extra); BackupRefused naming the first that does not."""
    manifest = read_manifest(archive_path)
    expected = dict(manifest["files"])
    with tarfile.open(archive_path, "r:") as archive:
        for member in archive:
            if member.name == MANIFEST:
                continue
            if not member.isfile():  # a backup holds files only: never a link or a folder
                raise BackupRefused(f"{member.name} in the archive is not a plain file")
            entry = expected.pop(member.name, None)
            source = archive.extractfile(member)
            if entry is None or source is None:
                raise BackupRefused(f"{member.name} in the archive is not in its manifest")
            digest = hashlib.sha256()
            while piece := source.read(1 << 20):
                digest.update(piece)
            if digest.hexdigest() != entry["sha256"]:
                raise BackupRefused(f"{member.name} is damaged (its checksum differs)")
    if expected:
        raise BackupRefused(
            f"{len(expected)} files of the manifest are missing, e.g. {next(iter(expected))}"
        )
    return manifest


def restore(archive_path: Path, data_dir: Path, *, database_url: str | None) -> dict[str, Any]:
    """Unpack a verified archive into an empty data dir (installed models aside); with a
    PostgreSQL dump, restore it into `database_url` (an empty database)."""
    manifest = verify(archive_path)
    if data_dir.exists() and any(entry.name != MODELS for entry in data_dir.iterdir()):
        raise BackupRefused(f"{data_dir} is not empty: restore into a new data dir")
    if manifest["database"] == "postgresql" and not database_url:
        raise BackupRefused("the backup holds a PostgreSQL dump: set MNEMO_DATABASE_URL")
    make_private(data_dir)
    with tarfile.open(archive_path, "r:") as archive:
        members = archive.getmembers()
        targets = [_restored_to(member, data_dir) for member in members]  # all, first
        for member, target in zip(members, targets, strict=True):
            if target is None:
                continue
            private_dir(target.parent)
            ensure_inside(data_dir, target)  # no folder made on the way leads out
            source = archive.extractfile(member)
            assert source is not None
            with open_private(target) as out:
                shutil.copyfileobj(source, out, 1 << 20)
    dump = data_dir / RESTORING / DUMP
    if dump.is_file():
        assert database_url is not None
        _pg_restore(database_url, dump)
        shutil.rmtree(dump.parent)
    return manifest


def _restored_to(member: tarfile.TarInfo, data_dir: Path) -> Path | None:
    """Where a member of a backup goes: `data/...` into the data dir, the PostgreSQL dump
    aside; None for the manifest. BackupRefused for anything a backup never holds (a link,
    a folder, a name that climbs, is absolute or lands in the installed models) and for a
    path that would resolve outside the data dir (a symlink on the way included)."""
    if member.name == MANIFEST:
        return None
    if not member.isfile():
        raise BackupRefused(f"{member.name} in the archive is not a plain file")
    if member.name == DUMP:
        return data_dir / RESTORING / DUMP
    parts = PurePosixPath(member.name).parts
    if len(parts) < 2 or parts[0] != "data" or ".." in parts:
        raise BackupRefused(f"{member.name} in the archive is not where a backup's files go")
    try:
        target = ensure_inside(data_dir, data_dir.joinpath(*parts[1:]))
    except UnsafeName as exc:
        raise BackupRefused(f"{member.name} would be written outside the data dir") from exc
    if target.resolve().relative_to(data_dir.resolve()).parts[0] in (MODELS, RESTORING):
        raise BackupRefused(f"{member.name} would be written into the installed models")
    return target


def _sqlite_copy(source: Path, target: Path) -> None:
    """A consistent copy of a live database: SQLite's online backup."""
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def _libpq(url: str) -> tuple[str, str | None]:
    """SQLAlchemy's URL as libpq tools take it (no +driver), without its password; and the
    password, apart."""
    parsed = make_url(url)
    password = parsed.password or parsed.query.get("password")  # ?password=... as well
    bare = URL.create(  # URL.set cannot take a password away
        parsed.get_backend_name(),
        username=parsed.username,
        host=parsed.host,
        port=parsed.port,
        database=parsed.database,
        query=parsed.difference_update_query(["password"]).query,
    )
    if isinstance(password, tuple):  # the query named it more than once: libpq's last
        password = password[-1]
    return bare.render_as_string(hide_password=False), str(password) if password else None


def _pg_dump(url: str, target: Path) -> Path:
    conninfo, password = _libpq(url)
    _run(
        ["pg_dump", "--format=custom", "--no-owner", f"--file={target}", f"--dbname={conninfo}"],
        password,
        target.parent,
    )
    return target


def _pg_restore(url: str, dump: Path) -> None:
    conninfo, password = _libpq(url)
    _run(
        ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={conninfo}", str(dump)],
        password,
        dump.parent,
    )


def _run(command: list[str], password: str | None, scratch: Path) -> None:
    """Run a PostgreSQL client tool; the password (if any) in a passfile of its own, 0600,
    in `scratch` (a private folder that a kill -9's leftovers are cleared from), removed
    when the tool is done; never in the tool's arguments."""
    if shutil.which(command[0]) is None:
        raise BackupRefused(f"{command[0]} is not installed (PostgreSQL's client tools)")
    env = dict(os.environ)
    passfile = None
    if password is not None:
        env.pop("PGPASSWORD", None)  # it would win over the passfile
        fd, passfile = tempfile.mkstemp(dir=scratch, prefix=".pgpass-")  # 0600
        with os.fdopen(fd, "w") as out:
            out.write(f"*:*:*:*:{_passfile_field(password)}\n")
        env["PGPASSFILE"] = passfile
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    finally:
        if passfile is not None:
            Path(passfile).unlink(missing_ok=True)
    if done.returncode != 0:
        raise BackupRefused(f"{command[0]} failed: {done.stderr.strip()[:300]}")


def _passfile_field(value: str) -> str:
    """A .pgpass field: backslash and colon escaped by a backslash."""
    return value.replace("\\", "\\\\").replace(":", "\\:")


def _files_under(folder: Path) -> Iterator[Path]:
    if folder.is_dir():
        yield from sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


class _Hashing(io.RawIOBase):
    """A file read once: into the archive, and through sha256 on the way."""

    def __init__(self, handle: IO[bytes]) -> None:
        self._handle = handle
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        piece = self._handle.read(size)
        self.digest.update(piece)
        return piece


def _add(
    archive: tarfile.TarFile, path: Path, name: str, checksums: dict[str, dict[str, Any]]
) -> None:
    info = archive.gettarinfo(str(path), arcname=name)
    with path.open("rb") as handle:
        info.size = os.fstat(handle.fileno()).st_size
        reader = _Hashing(handle)
        archive.addfile(info, reader)
    checksums[name] = {"sha256": reader.digest.hexdigest(), "size": info.size}


def _fsync(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())
