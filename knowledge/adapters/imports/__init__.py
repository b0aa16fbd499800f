"""What `mnemo import` (and a file sent to the bot) can bring in: a Telegram Desktop export
(its folder, a zip of it, or result.json alone), a note folder, a mnemo export zip."""

from __future__ import annotations

import json
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from knowledge.adapters.imports import folders, mnemo_export, telegram
from knowledge.domain.errors import ImportUnreadable
from knowledge.domain.model import ImportOptions
from knowledge.domain.ports import OpenedImport

RESULT = "result.json"


class ImportReader:
    """Opens an import; zips are unpacked into a temp folder under `workdir` (removed when
    done, and by the doctor after a kill -9), refused past `max_unpacked_bytes`."""

    def __init__(self, workdir: Path, *, max_unpacked_bytes: int) -> None:
        self._workdir = workdir
        self._max_unpacked = max_unpacked_bytes

    @contextmanager
    def open(self, path: Path, options: ImportOptions) -> Iterator[OpenedImport]:
        self._workdir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=self._workdir, prefix="import-") as temp:
            folder = Path(temp)
            if path.is_dir():
                if (path / RESULT).is_file():
                    yield telegram.opened(path / RESULT, options)
                else:
                    yield folders.opened(path, folder)
            elif not path.is_file():
                raise ImportUnreadable(f"{path} does not exist")
            elif zipfile.is_zipfile(path):
                with zipfile.ZipFile(path) as archive:
                    if mnemo_export.is_mnemo_export(archive):
                        yield mnemo_export.opened(archive, folder)
                    else:
                        yield telegram.opened(self._unpacked(archive, folder), options)
            else:
                yield telegram.opened(path, options)

    def recognises(self, path: Path) -> bool:
        return looks_like_export(path)

    def _unpacked(self, archive: zipfile.ZipFile, folder: Path) -> Path:
        """A zipped Telegram export unpacked; its result.json (the shallowest one)."""
        members = [info for info in archive.infolist() if not info.is_dir()]
        results = [info.filename for info in members if PurePosixPath(info.filename).name == RESULT]
        if not results:
            raise ImportUnreadable("the zip holds no result.json: not a Telegram export")
        if sum(info.file_size for info in members) > self._max_unpacked:
            limit = self._max_unpacked >> 20
            raise ImportUnreadable(f"the zip unpacks to over {limit} MB")
        result = min(results, key=lambda name: name.count("/"))
        top = PurePosixPath(result).parent
        for info in members:
            name = PurePosixPath(info.filename)
            if name.is_absolute() or ".." in name.parts or (info.external_attr >> 28) == 0o12:
                continue  # never outside the folder, no symlinks
            if top.parts and name.parts[: len(top.parts)] != top.parts:
                continue
            target = folder.joinpath(*name.parts[len(top.parts) :])
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(info) as src, target.open("wb") as out:
                shutil.copyfileobj(src, out, 1 << 20)
        return folder / RESULT


def looks_like_export(path: Path) -> bool:
    """A file the bot was sent that is a Telegram export (result.json, or a zip holding
    one) or a mnemo export, rather than a document to read."""
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()
                return mnemo_export.is_mnemo_export(archive) or any(
                    PurePosixPath(name).name == RESULT for name in names
                )
        if path.stat().st_size > 0:
            with path.open("rb") as handle:
                head = handle.read(4096).lstrip()
            if head.startswith(b"{"):
                return telegram.is_export(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, zipfile.BadZipFile):
        return False
    return False
