"""What `mnemo import` (and a file sent to the bot) can bring in: a Telegram Desktop export
(its folder, a zip of it, or result.json alone), a note folder, a mnemo export zip.

Every import is read within `ImportLimits`, counted as read whatever its files claim: a
zip's listed files (from its end record, before zipfile reads them), the bytes taken out
of it, one JSON file's size and its longest token (adapters/imports/archive.py,
json_stream.py). The command line's limits are the settings'; an export sent through the
bot gets limits proportionate to its upload (`ImportLimits.for_upload`)."""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from knowledge.adapters.imports import folders, mnemo_export, telegram
from knowledge.adapters.imports.archive import Budget, open_zip
from knowledge.adapters.imports.json_stream import check_tokens
from knowledge.domain.errors import ImportUnreadable
from knowledge.domain.model import ImportLimits, ImportOptions
from knowledge.domain.names import inside, safe_name
from knowledge.domain.ports import OpenedImport

RESULT = "result.json"
SYMLINK = 0o12


class ImportReader:
    """Opens an import; zips are unpacked into a temp folder under `workdir` (removed when
    done, and by the doctor after a kill -9), within `limits` (the options may narrow them)."""

    def __init__(self, workdir: Path, *, limits: ImportLimits) -> None:
        self._workdir = workdir
        self._limits = limits

    @contextmanager
    def open(self, path: Path, options: ImportOptions) -> Iterator[OpenedImport]:
        limits = options.limits or self._limits
        self._workdir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=self._workdir, prefix="import-") as temp:
            folder = Path(temp)
            if path.is_dir():
                if (path / RESULT).is_file():
                    yield telegram.opened(path / RESULT, options, limits)
                else:
                    yield folders.opened(path, folder)
            elif not path.is_file():
                raise ImportUnreadable(f"{path} does not exist")
            elif zipfile.is_zipfile(path):
                with open_zip(path, limits) as archive:
                    if mnemo_export.is_mnemo_export(archive):
                        yield mnemo_export.opened(archive, folder, limits)
                    else:
                        result, files = _unpacked(archive, folder, limits)
                        yield telegram.opened(result, options, limits, files=files)
            else:
                yield telegram.opened(path, options, limits)

    def recognises(self, path: Path, limits: ImportLimits | None = None) -> bool:
        return looks_like_export(path, limits or self._limits)


def _unpacked(
    archive: zipfile.ZipFile, folder: Path, limits: ImportLimits
) -> tuple[Path, dict[str, Path]]:
    """A zipped Telegram export unpacked: its result.json (the shallowest one), whose bytes
    are checked before anything is taken out, and the files beside it, each under a name
    made here (a number and a safe suffix, flat in `folder`: no member names a folder or a
    place), found again by the path the export gives (the map returned). No symlinks, no
    member outside result.json's folder."""
    members = [info for info in archive.infolist() if not info.is_dir()]
    results = [info.filename for info in members if PurePosixPath(info.filename).name == RESULT]
    if not results:
        raise ImportUnreadable("the zip holds no result.json: not a Telegram export")
    result = min(results, key=lambda name: name.count("/"))
    with archive.open(result) as handle:
        check_tokens(handle, max_bytes=limits.json_bytes, name=RESULT)
    budget = Budget(limits.unpacked_bytes)
    top = PurePosixPath(result).parent
    files: dict[str, Path] = {}
    for number, info in enumerate(members):
        name = PurePosixPath(info.filename.replace("\\", "/"))
        if name.is_absolute() or ".." in name.parts or (info.external_attr >> 28) == SYMLINK:
            continue  # never outside the folder, no symlinks
        if top.parts and name.parts[: len(top.parts)] != top.parts:
            continue
        relative = "/".join(name.parts[len(top.parts) :])
        if relative == RESULT:
            target = folder / RESULT
        else:
            suffix = safe_name(PurePosixPath(relative).suffix, "")[:16]
            target = inside(folder, f"{number:07d}.{suffix}" if suffix else f"{number:07d}")
        with archive.open(info) as src:
            budget.copy(src, target)
        files[relative] = target
    return folder / RESULT, files


def looks_like_export(path: Path, limits: ImportLimits) -> bool:
    """A file the bot was sent that is a Telegram export (result.json, or a zip holding
    one) or a mnemo export, rather than a document to read; told without reading it whole."""
    try:
        if zipfile.is_zipfile(path):
            with open_zip(path, limits) as archive:
                names = archive.namelist()
                return mnemo_export.is_mnemo_export(archive) or any(
                    PurePosixPath(name).name == RESULT for name in names
                )
        if path.stat().st_size > 0:
            with path.open("rb") as handle:
                head = handle.read(4096).lstrip()
            if head.startswith(b"{"):
                return telegram.is_export(path, limits)
    except (OSError, ImportUnreadable, zipfile.BadZipFile):
        return False
    return False
