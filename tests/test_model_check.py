"""A model build that cannot run is not a bot that cannot run (issue 34): the model is tried
in a child process first, a child killed by a signal is told apart, set-up falls back to a
plainer build, and the bot keeps questions until the model runs. The children here are fake
runners (a process that kills itself with SIGILL), not a real bad CPU."""

from __future__ import annotations

import asyncio
import html
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bot.app import build_application
from bot.settings import BotSettings
from cli import admin
from cli.main import app
from knowledge.adapters.model_probe import ChildProbe
from knowledge.domain.errors import LlmUnavailable, ModelMissing
from knowledge.domain.model import ProbeResult
from knowledge.services.llm.model_check import CheckedLoad
from knowledge.settings import Settings
from present.texts import t
from tests.core import started
from tests.fakes import FakeEmbedder, FakeSparseEncoder, ScriptedGenerator
from tests.test_bot_handlers import MemoryRequest, _message, _send

ROOT = Path(__file__).resolve().parent.parent
DIES = [sys.executable, "-c", "import os, signal; os.kill(os.getpid(), signal.SIGILL)"]
RUNS = [sys.executable, "-c", "print('system: AVX2 = 1 | AMX_INT8 = 0'); print('generated: hi')"]


def test_a_child_killed_by_sigill_is_told_apart() -> None:
    died = ChildProbe(lambda: "model.gguf", threads=1, command=DIES)()
    assert (died.ok, died.signal) == (False, "SIGILL")
    assert "instruction this CPU refuses" in died.detail
    ran = ChildProbe(lambda: "model.gguf", threads=1, command=RUNS)()
    assert ran.ok and ran.system == "AVX2 = 1 | AMX_INT8 = 0" and ran.detail == "generated: hi"
    failed = ChildProbe(
        lambda: "x", threads=1, command=[sys.executable, "-c", "raise SystemExit('no')"]
    )()
    assert (failed.ok, failed.signal, failed.detail) == (False, None, "no")


def test_a_missing_model_file_is_a_failed_probe_not_an_error() -> None:
    def missing() -> str:
        raise ModelMissing("chat model 'x' is not installed")

    result = ChildProbe(missing, threads=1)()
    assert not result.ok and "not installed" in result.detail


class Probe:
    """A scripted model check: each call takes the next result (the last one repeats)."""

    def __init__(self, *results: ProbeResult) -> None:
        self.results = list(results)
        self.calls = 0

    def __call__(self) -> ProbeResult:
        self.calls += 1
        return self.results.pop(0) if len(self.results) > 1 else self.results[0]


MODEL: Any = object()  # what the loader gives: the model itself is never used here
KILLED = ProbeResult(False, "killed by SIGILL (an instruction this CPU refuses)", "SIGILL")
FINE = ProbeResult(True, "generated: hi")


def test_a_failed_check_is_remembered_then_asked_again() -> None:
    now = [0.0]
    loads: list[int] = []
    probe = Probe(KILLED, FINE)

    def model() -> Any:
        loads.append(1)
        return MODEL

    load = CheckedLoad(model, probe, recheck_seconds=60, clock=lambda: now[0])
    for _ in range(3):
        with pytest.raises(LlmUnavailable, match="cannot run on this machine: killed by SIGILL"):
            load()
    assert probe.calls == 1 and loads == []  # not asked again within the minute
    now[0] = 61.0
    assert load() is MODEL and probe.calls == 2 and loads == [1]


def test_the_model_probe_command_exits_3_for_a_signal(monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    monkeypatch.setattr(admin, "probe_model", lambda settings: KILLED)
    died = runner.invoke(app, ["models", "probe"])
    assert died.exit_code == 3 and "cannot run here: killed by SIGILL" in died.output
    monkeypatch.setattr(admin, "probe_model", lambda settings: FINE)
    assert runner.invoke(app, ["models", "probe", "--quiet"]).exit_code == 0


def _setup_fallback(tmp_path: Path, probe_exits: list[int]) -> subprocess.CompletedProcess[str]:
    """scripts/setup.sh's fallback (verify_llama) with a fake probe and a fake installer."""
    exits = " ".join(map(str, probe_exits))
    script = f"""
set -euo pipefail
source {ROOT}/scripts/llama_flags.sh
log() {{ echo "[setup] $*"; }}
cpu_flags() {{ printf '%s\\n' sse4_2 avx avx2 bmi2 fma f16c avx512f amx_tile; }}
codes=({exits})
probe() {{ local code=${{codes[0]}}; codes=("${{codes[@]:1}}"); return "$code"; }}
install_llama() {{ echo "installed $1: $(llama_flags "$1")"; }}
LLAMA_PROBE=(probe)
llama_packages=(llama-cpp-python)
tier=cpu
if verify_llama; then echo "final tier: $tier"; else echo "gave up at: $tier"; fi
"""
    return subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=False)


def test_setup_rebuilds_plainer_when_the_build_dies_by_a_signal(tmp_path: Path) -> None:
    done = _setup_fallback(tmp_path, [3, 0])
    assert "killed by a signal on this CPU: rebuilding as 'avx2'" in done.stdout
    assert "installed avx2:" in done.stdout and "-DGGML_AVX512=ON" not in done.stdout
    assert "-DGGML_AMX_INT8=OFF" in done.stdout and "final tier: avx2" in done.stdout
    every = _setup_fallback(tmp_path, [3, 3, 3])
    assert "gave up at: generic" in every.stdout
    assert "CPU flags: sse4_2 avx avx2 bmi2 fma f16c avx512f amx_tile" in every.stdout
    fine = _setup_fallback(tmp_path, [0])
    assert "final tier: cpu" in fine.stdout and "installed" not in fine.stdout


def test_the_cpus_own_build_never_asks_for_amx_or_native() -> None:
    script = f"""
source {ROOT}/scripts/llama_flags.sh
cpu_flags() {{ printf '%s\\n' avx avx2 fma f16c avx512f avx512_vnni amx_tile amx_int8 amx_bf16; }}
llama_flags cpu
"""
    flags = subprocess.run(["bash", "-c", script], capture_output=True, text=True).stdout
    assert "-DGGML_NATIVE=OFF" in flags and "-DGGML_AVX512_VNNI=ON" in flags
    assert all(f"-DGGML_AMX_{kind}=OFF" in flags for kind in ("TILE", "INT8", "BF16"))
    assert "-DGGML_BMI2=OFF" in flags  # not in this CPU's list


async def test_the_bot_keeps_a_question_while_the_model_cannot_run_and_answers_it_after(
    tmp_path: Path,
) -> None:
    """Start with a model whose child dies by SIGILL: notes are kept, a question gets "kept"
    and waits; once the check passes, the kept question is answered."""
    probe = Probe(KILLED, KILLED, FINE)
    generator = ScriptedGenerator()
    services = started(
        Settings(data_dir=tmp_path / "data"),
        embedder=FakeEmbedder(),
        sparse=FakeSparseEncoder(),
        generator=generator,
        model_check=probe,
    )
    checked = services.worker._load
    assert isinstance(checked, CheckedLoad)
    checked._recheck = 0.0  # asked again at each of the watcher's looks
    settings = BotSettings(
        data_dir=services.settings.data_dir, telegram_bot_token="1:fake", open_to_all=True
    )
    request = MemoryRequest()
    application = build_application(settings, services, request=request)
    handed_back: list[dict[str, Any]] = []

    async def capture(payload: dict[str, Any]) -> None:
        handed_back.append(payload)

    application.bot_data.delivery.hand_back_with(capture)
    try:
        await _send(application, _message(21, "The spare key is under the blue flower pot."))
        assert request.said(21) == [t("note_saved", "en")]
        question = _message(21, "Where is the spare key?")
        await _send(application, question)
        assert request.said(21)[-1] == html.escape(t("llm_unavailable", "en"))
        problem = await services.worker.problem()
        assert problem is not None and "killed by SIGILL" in problem
        generator.enqueue("Under the blue flower pot [1].")
        async with asyncio.timeout(20):  # the watcher asks again: 2 s, then it runs
            while not handed_back:
                await asyncio.sleep(0.1)
        await _send(application, handed_back[0])
        assert "blue flower pot" in request.said(21)[-1]
        assert services.inbox.pending() == []
    finally:
        await application.bot_data.delivery.stop()
        services.close()
