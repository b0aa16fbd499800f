"""A model build that cannot run is not a bot that cannot run (issue 34): the model is tried
in a child process first, a child killed by a signal is told apart, set-up falls back to a
plainer build, and the bot keeps questions until the model runs. The children here are fake
runners (a process that kills itself with SIGILL), not a real bad CPU."""

from __future__ import annotations

import asyncio
import html
import json
import os
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


X86_FLAGS = "sse4_2 avx avx2 bmi2 fma f16c avx512f amx_tile"


def _setup_fallback(
    tmp_path: Path, probe_exits: list[int], arch: str = "x86_64", flags: str = X86_FLAGS
) -> subprocess.CompletedProcess[str]:
    """scripts/setup.sh's fallback (verify_llama) with a fake probe, a fake installer, a
    fake machine (uname) and a fake CPU (its /proc/cpuinfo line)."""
    exits = " ".join(map(str, probe_exits))
    name = "flags" if arch == "x86_64" else "Features"
    (tmp_path / "cpuinfo").write_text(f"processor\t: 0\n{name}\t\t: {flags}\n")
    script = f"""
set -euo pipefail
source {ROOT}/scripts/llama_flags.sh
log() {{ echo "[setup] $*"; }}
uname() {{ echo {arch}; }}
export MNEMO_CPUINFO={tmp_path}/cpuinfo
codes=({exits})
probe() {{ local code=${{codes[0]}}; codes=("${{codes[@]:1}}"); return "$code"; }}
install_llama() {{ echo "installed $1: $(llama_flags "$1")"; }}
LLAMA_PROBE=(probe)
llama_packages=(llama-cpp-python)
tier=$(llama_tiers | sed -n 1p)
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


def _bash(script: str, **env: str) -> str:
    """A bash script's output, with scripts/llama_flags.sh sourced and env set."""
    done = subprocess.run(
        ["bash", "-c", f"source {ROOT}/scripts/llama_flags.sh\n{script}"],
        capture_output=True,
        text=True,
        env={"PATH": os.environ["PATH"], **env},
        check=False,
    )
    return done.stdout.strip()


def test_cmake_args_win_over_the_tier_an_earlier_setup_recorded(tmp_path: Path) -> None:
    """Set-up's advice when every build dies (MNEMO_LLAMA_CMAKE_ARGS=...) is followed even
    after a tier was recorded: the variable makes the tier custom, and custom never native."""
    (tmp_path / "cpuinfo").write_text(f"flags\t\t: {X86_FLAGS}\n")
    cpuinfo = str(tmp_path / "cpuinfo")
    given = "-DGGML_AVX=OFF -DGGML_AVX2=OFF"
    for recorded in ("cpu", "avx2", "generic", "custom", ""):
        chosen = _bash(
            f'tier=$(llama_start_tier "{recorded}"); echo "$tier: $(llama_flags "$tier")"',
            MNEMO_CPUINFO=cpuinfo,
            MNEMO_LLAMA_CMAKE_ARGS=given,
        )
        assert chosen == f"custom: -DGGML_NATIVE=OFF {given}", recorded
    assert _bash("llama_start_tier avx2", MNEMO_CPUINFO=cpuinfo) == "avx2"  # kept: it ran


def test_a_recorded_tier_this_machine_lacks_falls_back_never_to_native(tmp_path: Path) -> None:
    """A recorded custom tier without its variable, or a tier not among this machine's,
    starts again from the machine's first tier; custom with nothing given is never empty."""
    (tmp_path / "cpuinfo").write_text("flags\t\t: sse4_2 avx avx2 bmi2 fma f16c\n")  # no 512
    cpuinfo = str(tmp_path / "cpuinfo")
    assert _bash("llama_start_tier custom", MNEMO_CPUINFO=cpuinfo) == "cpu"
    assert _bash("llama_start_tier avx2", MNEMO_CPUINFO=cpuinfo) == "cpu"  # not a tier here
    assert _bash("llama_start_tier generic", MNEMO_CPUINFO=cpuinfo) == "generic"
    arm = _bash("uname() { echo aarch64; }; llama_start_tier cpu", MNEMO_CPUINFO=cpuinfo)
    assert arm == "portable"
    for empty in ({}, {"MNEMO_LLAMA_CMAKE_ARGS": ""}):
        flags = _bash("llama_flags custom", MNEMO_CPUINFO=cpuinfo, **empty)
        assert flags.startswith("-DGGML_NATIVE=OFF -DGGML_AMX_TILE=OFF") and "AVX2=ON" in flags
    assert _bash("llama_flags custom", MNEMO_LLAMA_CMAKE_ARGS="-DGGML_NATIVE=ON") == (
        "-DGGML_NATIVE=ON"  # asked for outright: kept
    )


def test_cpu_flags_are_read_on_x86_and_on_arm64(tmp_path: Path) -> None:
    """x86's /proc/cpuinfo lists "flags", arm64's "Features"; the give-up advice fits each."""
    (tmp_path / "x86").write_text("processor\t: 0\nflags\t\t: fpu sse4_2\tavx\n")
    (tmp_path / "arm").write_text("processor\t: 0\nFeatures\t: fp asimd asimddp\n")
    assert _bash("cpu_flags | tr '\\n' ' '", MNEMO_CPUINFO=str(tmp_path / "x86")) == (
        "fpu sse4_2 avx"
    )
    assert _bash("cpu_flags | tr '\\n' ' '", MNEMO_CPUINFO=str(tmp_path / "arm")) == (
        "fp asimd asimddp"
    )
    arm = _setup_fallback(tmp_path, [3], arch="aarch64", flags="fp asimd asimddp")
    assert "gave up at: portable" in arm.stdout
    assert "CPU flags: fp asimd asimddp" in arm.stdout
    assert "GGML_CPU_ARM_ARCH=armv8-a" in arm.stdout and "GGML_AVX" not in arm.stdout
    x86 = _setup_fallback(tmp_path, [3, 3, 3])
    assert "-DGGML_AVX2=OFF" in x86.stdout and "ARM" not in x86.stdout


def _entry(tmp_path: Path, flags: str) -> dict[str, str]:
    """The image's entry script (scripts/llama_variant.sh) run on a fake CPU, with a fake
    generic build: the environment and the build report of the command it runs."""
    generic = tmp_path / "opt" / "generic"
    generic.mkdir(parents=True, exist_ok=True)
    (generic / ".mnemo-llama-build").write_text("generic\n-DGGML_NATIVE=OFF -DGGML_SSE42=ON\n")
    (tmp_path / "cpuinfo").write_text(f"processor\t: 0\nflags\t\t: {flags}\n")
    shown = (
        "import json, os; from cli.admin import build_flags; print(json.dumps({"
        "'path': os.environ.get('PYTHONPATH', ''), "
        "'record': os.environ.get('MNEMO_LLAMA_BUILD_RECORD', ''), 'build': build_flags()}))"
    )
    done = subprocess.run(
        ["bash", str(ROOT / "scripts" / "llama_variant.sh"), sys.executable, "-c", shown],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={
            "PATH": os.environ["PATH"],
            "PYTHONPATH": "/elsewhere",
            "MNEMO_CPUINFO": str(tmp_path / "cpuinfo"),
            "MNEMO_LLAMA_VARIANTS": str(tmp_path / "opt"),
        },
        check=True,
    )
    return {**json.loads(done.stdout), "said": done.stderr}


def test_the_image_runs_its_generic_build_only_where_avx2_cannot_run(tmp_path: Path) -> None:
    without = _entry(tmp_path, "fpu sse4_2 avx fma f16c")  # an older CPU: no AVX2, no BMI2
    generic = tmp_path / "opt" / "generic"
    assert without["path"] == f"{generic}:/elsewhere"
    assert without["record"] == str(generic / ".mnemo-llama-build")
    assert without["build"] == "generic: -DGGML_NATIVE=OFF -DGGML_SSE42=ON"
    assert "generic build (slower)" in without["said"]
    with_avx2 = _entry(tmp_path, "fpu sse4_2 avx avx2 fma f16c bmi2 avx512f")
    assert with_avx2["path"] == "/elsewhere" and with_avx2["record"] == ""
    assert with_avx2["said"] == "" and not with_avx2["build"].startswith("generic")


def test_build_flags_reports_the_record_named_by_the_entry_script(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = tmp_path / ".mnemo-llama-build"
    record.write_text("generic\n-DGGML_NATIVE=OFF\n")
    monkeypatch.setenv("MNEMO_LLAMA_BUILD_RECORD", str(record))
    assert admin.build_flags() == "generic: -DGGML_NATIVE=OFF"


def test_the_image_builds_avx2_and_generic_from_source(tmp_path: Path) -> None:
    """install_image_llama with a fake pip: on x86_64 two builds, each from source
    (--no-binary), the second kept apart; LLAMA_TIER builds one; arm64 one portable build."""

    def build(arch: str, tier: str) -> tuple[str, dict[str, str]]:
        root = tmp_path / f"{arch}-{tier}"
        (root / "prefix").mkdir(parents=True)
        script = f"""
source {ROOT}/scripts/llama_variant.sh
uname() {{ echo {arch}; }}
python() {{ echo {root}/prefix; }}
pip() {{
  echo "pip $* CMAKE_ARGS=${{CMAKE_ARGS:-}}"
  local previous=""
  for arg in "$@"; do
    [[ $previous == -w ]] && touch "$arg/llama_cpp_python-0.3.36-cp311-linux_x86_64.whl"
    [[ $previous == --target ]] && mkdir -p "$arg"
    previous=$arg
  done
}}
install_image_llama {tier} llama-cpp-python==0.3.36 || echo "refused: $?"
"""
        done = subprocess.run(
            ["bash", "-c", script],
            capture_output=True,
            text=True,
            env={"PATH": os.environ["PATH"], "MNEMO_LLAMA_VARIANTS": str(root / "opt")},
            check=False,
        )
        records = {
            str(path.relative_to(root)): path.read_text().split("\n")[0]
            for path in root.rglob(".mnemo-llama-build")
        }
        return done.stdout + done.stderr, records

    said, records = build("x86_64", "auto")
    wheels = [line for line in said.splitlines() if line.startswith("pip wheel")]
    assert len(wheels) == 2 and all("--no-binary llama-cpp-python " in w for w in wheels)
    assert "-DGGML_AVX2=ON" in wheels[0] and "-DGGML_AVX2=OFF" in wheels[1]
    assert all("-DGGML_NATIVE=OFF" in w for w in wheels)
    assert f"--no-deps --target {tmp_path}/x86_64-auto/opt/generic" in said
    assert records == {
        "prefix/.mnemo-llama-build": "avx2",
        "opt/generic/.mnemo-llama-build": "generic",
    }
    said, records = build("x86_64", "generic")
    assert said.count("pip wheel") == 1 and "--target" not in said
    assert records == {"prefix/.mnemo-llama-build": "generic"}
    said, records = build("aarch64", "auto")
    assert said.count("pip wheel") == 1 and "CMAKE_ARGS=-DGGML_NATIVE=OFF" in said
    assert records == {"prefix/.mnemo-llama-build": "portable"}
    said, records = build("x86_64", "cpu")  # the build host's own CPU: never in the image
    assert "refused: 1" in said and "pip" not in said and records == {}


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
