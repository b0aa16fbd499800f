"""Whether llama.cpp runs on this CPU, asked of a child process: the model loaded and a
few tokens generated there, so a build that uses an instruction the CPU (or its virtual
machine) refuses kills the child with SIGILL, never the caller. Used by set-up (`mnemo
models probe`), `mnemo doctor`, and the bot before the model's first in-process use."""

from __future__ import annotations

import hashlib
import importlib.util
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from knowledge.adapters.llama import model_spec
from knowledge.domain.errors import MnemoError
from knowledge.domain.model import ProbeResult
from knowledge.settings import Settings

PROBE = """
import sys
import llama_cpp
info = llama_cpp.llama_print_system_info()
info = info.decode(errors="replace") if isinstance(info, bytes) else str(info)
print("system:", info.strip(), flush=True)
options = {"n_ctx": 512, "n_threads": int(sys.argv[2]), "verbose": False}
if sys.argv[1].startswith("hf:"):
    repo, _, name = sys.argv[1][3:].partition(":")
    model = llama_cpp.Llama.from_pretrained(
        repo_id=repo, filename=name or "*q4_k_m.gguf", cache_dir=sys.argv[3], **options
    )
else:
    model = llama_cpp.Llama(model_path=sys.argv[1], **options)
out = model.create_chat_completion([{"role": "user", "content": "Say hi."}], max_tokens=4)
print("generated:", repr(out["choices"][0]["message"]["content"])[:60], flush=True)
"""
TIMEOUT_SECONDS = 180.0


class ChildProbe:
    """`ChecksModel` in a child process. `command` replaces the real probe (a test's fake
    runner); `model` gives the model file or an `hf:REPO:FILE` spec (resolved when the
    probe runs: a missing file is a failed probe, not an error). A success is remembered in
    `cache` under what it depends on (the model, the llama.cpp libraries, the CPU's flags),
    so later starts skip the child until one of them changes."""

    def __init__(
        self,
        model: Callable[[], str],
        *,
        threads: int,
        hub_dir: Path | None = None,
        cache: Path | None = None,
        timeout: float = TIMEOUT_SECONDS,
        command: Sequence[str] | None = None,
    ) -> None:
        self._cache = cache
        self._model = model
        self._hub = hub_dir or Path(".")
        self._threads = threads
        self._timeout = timeout
        self._command = command

    @classmethod
    def for_settings(cls, settings: Settings, *, cache: Path | None = None) -> ChildProbe:
        """The probe of the chat model the settings name (a preset, a file, an hf: spec)."""
        return cls(
            lambda: model_spec(settings.llm, settings.models_dir),
            threads=settings.n_threads,
            hub_dir=settings.models_dir / "hub",
            cache=cache,
        )

    def __call__(self) -> ProbeResult:
        started = time.monotonic()
        try:
            command = list(self._command or self._real_command())
        except MnemoError as exc:
            return ProbeResult(False, str(exc))
        key = self._key(command)
        if key and self._cached(key):
            return ProbeResult(True, "it ran here before (same build, model and CPU)")
        result = self._run(command, started)
        if result.ok and key:
            self._remember(key)
        return result

    def _key(self, command: list[str]) -> str:
        """What a success depends on: the model, the llama.cpp build, the CPU's flags."""
        if self._cache is None or self._command is not None:
            return ""
        try:  # found, not imported: loading llama.cpp here is what the child is for
            spec = importlib.util.find_spec("llama_cpp")
            if spec is None or spec.origin is None:
                return ""
            library = Path(spec.origin).parent / "lib"
            builds = sorted(
                f"{p.name}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in library.glob("*")
            )
            cpu = Path("/proc/cpuinfo").read_text().splitlines()
            flags = next((line for line in cpu if line.startswith("flags")), "")
        except (ImportError, OSError, ValueError):
            return ""
        return hashlib.sha256("\n".join([*command[3:5], *builds, flags]).encode()).hexdigest()

    def _cached(self, key: str) -> bool:
        try:
            return self._cache is not None and self._cache.read_text().strip() == key
        except OSError:
            return False

    def _remember(self, key: str) -> None:
        if self._cache is None:
            return
        try:
            self._cache.parent.mkdir(parents=True, exist_ok=True)
            self._cache.write_text(key)
        except OSError:
            pass

    def _run(self, command: list[str], started: float) -> ProbeResult:
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=self._timeout, check=False
            )
        except subprocess.TimeoutExpired:
            return ProbeResult(False, f"it did not answer within {self._timeout:.0f} s")
        except OSError as exc:
            return ProbeResult(False, f"it could not be started ({exc})")
        seconds = time.monotonic() - started
        lines = (done.stdout or "").splitlines()
        system = next((line[8:] for line in lines if line.startswith("system: ")), "")
        if done.returncode < 0:
            name = _signal_name(-done.returncode)
            why = "an instruction this CPU refuses" if name == "SIGILL" else "a crash"
            return ProbeResult(False, f"killed by {name} ({why})", name, system, seconds)
        if done.returncode != 0:
            tail = (done.stderr or "").strip().splitlines()[-1:] or [f"exit {done.returncode}"]
            return ProbeResult(False, tail[0][:300], None, system, seconds)
        return ProbeResult(True, lines[-1] if lines else "", None, system, seconds)

    def _real_command(self) -> list[str]:
        return [sys.executable, "-c", PROBE, self._model(), str(self._threads), str(self._hub)]


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"
