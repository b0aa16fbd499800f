"""What a stranger's input can reach: every probe of issue 33, run as the product runs it,
each in a child process of its own, measured against the same kind of process doing
something harmless (its idle baseline).

For each probe it prints what was written outside the folders mnemo writes to (must be
nothing), the child's peak RSS growth over its baseline (ru_maxrss from wait4), its wall
time, and how it ended. Links are read by the reader the bot uses (GuardedWeb, default
limits: 10 MB, 15 s, here 5 s), from a hostile site on 127.0.0.1; exports go through the
real `mnemo import` on a data dir of its own (the installed embedder).

    .venv/bin/python -m bench.hostile            # all probes
    .venv/bin/python -m bench.hostile --only double-gzip trickle
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from tests.hostile_web import ONE_GIB, PNG, hostile_site, trickling, zeros_gzipped

ROOT = Path(__file__).resolve().parent.parent
MODELS = Path(os.environ.get("MNEMO_MODELS_PATH", ROOT / "data" / "models")).resolve()
LINK_SECONDS = 5.0
CHILD_SECONDS = 120.0


@dataclass
class Probe:
    name: str
    what: str
    kind: str  # "link" or "import"
    target: str  # a URL, or a path to import
    benign: str = ""  # the same work on harmless input, when the kind's baseline is not it


@dataclass
class Measured:
    probe: Probe
    outside: list[str]
    rss_growth_mb: float
    seconds: float
    outcome: str


def _fetch_child(url: str, folder: str) -> None:
    """In the child: one fetch by the bot's reader; prints how it ended."""
    import trafilatura  # loaded as in the bot, where a page read before loaded it

    from knowledge.adapters.web.pages import GuardedWeb
    from knowledge.domain.errors import MnemoError

    del trafilatura

    web = GuardedWeb(max_bytes=10 << 20, timeout_seconds=LINK_SECONDS, allow_loopback=True)
    try:
        fetched = web.fetch(url, Path(folder)) if url else None
        print("read", fetched.file.name if fetched and fetched.file else "")
    except MnemoError as exc:
        print("refused:", exc)


def _run_child(command: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """(peak RSS in MB, seconds, last line of output) of one child."""
    started = time.monotonic()
    with tempfile.TemporaryFile() as out:
        child = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        watchdog = threading.Timer(CHILD_SECONDS, child.kill)  # an unbounded probe ends here
        watchdog.start()
        _, status, usage = os.wait4(child.pid, 0)
        watchdog.cancel()
        child.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.monotonic() - started
        out.seek(0)
        lines = [line for line in out.read().decode(errors="replace").splitlines() if line.strip()]
    last = lines[-1].strip() if lines else f"exit {child.returncode}"
    if seconds >= CHILD_SECONDS:
        last = f"still running after {CHILD_SECONDS:.0f} s: killed"
    return usage.ru_maxrss / 1024, seconds, last[:110]


def _tree(root: Path, skip: tuple[Path, ...]) -> set[str]:
    found = set()
    for path in root.rglob("*"):
        if not any(path == s or s in path.parents for s in skip):
            found.add(str(path.relative_to(root)))
    return found


def _zip_of_spaces(path: Path, size: int) -> Path:
    """A Telegram export whose result.json is `size` bytes of spaces (1.5 GB zips to ~1.4 MB)."""
    block = b" " * (1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo("export/result.json")
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=True) as out:
            out.write(b"{")
            for _ in range(size >> 20):
                out.write(block)
            out.write(b'"messages": []}')
    return path


def _zip_of_entries(path: Path, count: int) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("result.json", '{"messages": []}')
        for n in range(count):
            archive.writestr(f"f/{n}", b"")
    return path


def _mnemo_export(path: Path, escape: Path | None) -> Path:
    """A mnemo export with one photo; its document id climbs to `escape` (None: a plain id)."""
    document = {
        "id": f"../../../../../../../../..{escape}/x" if escape else "1",
        "name": "receipt.png",
        "kind": "image",
        "file": "originals/1-receipt.png",
        "created_at": "2026-11-02T10:00:00+00:00",
    }
    with zipfile.ZipFile(path, "w") as archive:
        manifest = {"format": "mnemo-export", "version": 1, "user_id": 9}
        archive.writestr("manifest.json", json.dumps(manifest))
        archive.writestr("documents.json", json.dumps([document]))
        archive.writestr("notes.json", "[]")
        archive.writestr("originals/1-receipt.png", PNG)
    return path


def _fat_entry(path: Path) -> Path:
    """A mnemo export whose one document entry has a million tiny fields."""
    entry = {"id": 1, "kind": "note", "name": "n", "meta": {str(n): 0 for n in range(1_000_000)}}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps({"format": "mnemo-export", "user_id": 9}))
        archive.writestr("documents.json", json.dumps([entry]))
        archive.writestr("notes.json", "[]")
    return path


def _zip_bzip2(path: Path) -> Path:
    """A Telegram export whose result.json is 1 GiB of spaces, bzip2-packed (a few KB)."""
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_BZIP2) as archive,
        archive.open("result.json", "w", force_zip64=True) as out,
    ):
        for _ in range(1024):
            out.write(b" " * (1 << 20))
    return path


def _nested(path: Path, depth: int) -> Path:
    """A result.json nesting `depth` lists (a parser's memory grows by the square of it)."""
    path.mkdir(parents=True, exist_ok=True)
    (path / "result.json").write_bytes(b'{"x": ' + b"[" * depth + b"]" * depth + b"}")
    return path


def _small_export(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    message = {"id": 1, "type": "message", "date_unixtime": "1700000000", "text": "hello"}
    (path / "result.json").write_text(
        json.dumps({"id": 1, "type": "saved_messages", "messages": [message]})
    )
    return path


def probes(site: str, slow: str, files: Path, escape: Path) -> Iterator[Probe]:
    zeros_gzipped(ONE_GIB, 2), zeros_gzipped(256 << 20, 1)  # made before any is timed
    yield Probe(
        "link-absolute",
        "a URL naming /ESCAPE/x.png",
        "link",
        f"{site}/{str(escape / 'x.png').replace('/', '%2F')}",
    )
    yield Probe("link-dotdot", "a URL climbing ../x.png", "link", f"{site}/..%2Fx.png")
    yield Probe(
        "double-gzip", "1 GiB of zeros gzipped twice (~1.8 KB)", "link", f"{site}/double-gzip"
    )
    yield Probe("gzip-bomb", "256 MiB of zeros gzipped once (~250 KB)", "link", f"{site}/gzip-bomb")
    yield Probe("no-length", "no length, 5 MB sent until close", "link", f"{site}/no-length")
    yield Probe("trickle", "a header sent a byte a second", "link", f"{slow}/page")
    yield Probe(
        "export-escape",
        "a mnemo export whose id climbs out",
        "import",
        str(_mnemo_export(files / "escape.zip", escape)),
        benign=str(_mnemo_export(files / "plain.zip", None)),
    )
    yield Probe(
        "spaces",
        "a zipped result.json of 1.5 GB of spaces",
        "import",
        str(_zip_of_spaces(files / "spaces.zip", 1536 << 20)),
    )
    yield Probe(
        "entries",
        "a zip listing 300,000 files",
        "import",
        str(_zip_of_entries(files / "entries.zip", 300_000)),
    )
    yield Probe(
        "bzip2", "1 GiB of spaces bzip2-packed in a zip", "import", str(_zip_bzip2(files / "b.zip"))
    )
    yield Probe(
        "nesting", "a result.json nesting 30,000 lists", "import", str(_nested(files / "n", 30_000))
    )
    yield Probe(
        "fat-entry",
        "one JSON entry of a million fields",
        "import",
        str(_fat_entry(files / "fat.zip")),
    )


def measure(probe: Probe, root: Path, baselines: dict[str, float]) -> Measured:
    data = root / "data"
    fetch = root / "fetch"
    fetch.mkdir(exist_ok=True)
    env = {
        **os.environ,
        "MNEMO_DATA_DIR": str(data),
        "MNEMO_MODELS_PATH": str(MODELS),
        "HF_HUB_OFFLINE": "1",
        "PYTHONPATH": str(ROOT),
    }
    before = _tree(root, (data, fetch, root / "files"))
    command = _command(probe.kind, probe.target, str(fetch))
    peak, seconds, last = _run_child(command, env)
    outside = sorted(_tree(root, (data, fetch, root / "files")) - before)
    baseline = baselines[probe.kind]
    if probe.benign:
        env["MNEMO_DATA_DIR"] = str(root / "benign")
        baseline, _, _ = _run_child(_command(probe.kind, probe.benign, str(fetch)), env)
    return Measured(probe, outside, peak - baseline, seconds, last)


def _command(kind: str, target: str, fetch: str) -> list[str]:
    if kind == "link":
        code = f"from bench.hostile import _fetch_child; _fetch_child({target!r}, {fetch!r})"
        return [sys.executable, "-c", code]
    return [sys.executable, "-m", "cli", "import", target, "--user", "1"]


def baselines(root: Path, site: str) -> dict[str, float]:
    """Each kind of child's peak RSS doing nothing hostile: the link reader loaded, idle;
    `mnemo import` of a one-message export."""
    env = {
        **os.environ,
        "MNEMO_DATA_DIR": str(root / "baseline"),
        "PYTHONPATH": str(ROOT),
        "MNEMO_MODELS_PATH": str(MODELS),
        "HF_HUB_OFFLINE": "1",
    }
    (root / "baseline-fetch").mkdir(exist_ok=True)
    link, _, _ = _run_child(
        _command("link", f"{site}/gzip-article", str(root / "baseline-fetch")), env
    )
    small = _small_export(root / "small-export")
    imported, _, _ = _run_child(_command("import", str(small), ""), env)
    return {"link": link, "import": imported}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", help="probe names")
    args = parser.parse_args(argv)
    with ExitStack() as stack:
        root = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="mnemo-hostile-")))
        site = stack.enter_context(hostile_site())
        slow = stack.enter_context(trickling(every=1.0))
        files = root / "files"
        files.mkdir()
        escape = root / "escape"
        escape.mkdir()  # an attacker aims at folders that are there (.venv, the code)
        base = baselines(root, site)
        print(f"baselines: link reader {base['link']:.0f} MB, mnemo import {base['import']:.0f} MB")
        print(f"{'probe':<14} {'outside':>8} {'RSS +MB':>8} {'seconds':>8}  outcome")
        failed = 0
        for probe in probes(site, slow, files, escape):
            if args.only and probe.name not in args.only:
                continue
            got = measure(probe, root, base)
            failed += bool(got.outside) or got.rss_growth_mb > 150
            print(
                f"{probe.name:<14} {len(got.outside):>8} {got.rss_growth_mb:>8.1f} "
                f"{got.seconds:>8.1f}  {got.outcome}"
            )
            for path in got.outside:
                print(f"    written outside: {path}")
        print(f"{failed} probes reached past their folder or grew past 150 MB")


if __name__ == "__main__":
    main()
