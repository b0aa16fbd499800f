# The Docker image's llama.cpp builds: which it carries (install_image_llama, at build time)
# and which one runs (use_llama_variant, at each start; the image's ENTRYPOINT runs this
# file, which then runs the command given: `bash scripts/llama_variant.sh mnemo run`).
# On x86_64 the image carries two builds of the same llama-cpp-python, never for the build
# host's CPU (scripts/llama_flags.sh):
#   avx2     x86-64-v3, installed as usual: any x86 server CPU since about 2015
#   generic  SSE 4.2 only, kept in $LLAMA_VARIANTS/generic: several times slower, used only
#            on a host whose CPU lacks AVX2, FMA, F16C or BMI2 (it goes first on PYTHONPATH)
# LLAMA_TIER=avx2 or generic builds that one alone. On arm64, one portable build.
# MNEMO_LLAMA_BUILD_RECORD names the record of the build in use (mnemo doctor prints it).

# shellcheck source=scripts/llama_flags.sh
source "$(dirname "${BASH_SOURCE[0]}")/llama_flags.sh"
LLAMA_VARIANTS=${MNEMO_LLAMA_VARIANTS:-/opt/llama}
LLAMA_RECORD=.mnemo-llama-build

image_llama_tiers() {  # image_llama_tiers [LLAMA_TIER]: the image's builds, the default first
  if [[ $(uname -m) != x86_64 ]]; then echo portable; return; fi
  case "${1:-auto}" in
    auto) printf '%s\n' avx2 generic ;;
    avx2 | generic) echo "$1" ;;
    *) echo "LLAMA_TIER=$1: the image builds 'auto' (avx2 and generic), 'avx2' or 'generic'" >&2
       return 1 ;;
  esac
}

install_image_llama() {  # install_image_llama LLAMA_TIER PACKAGE==VERSION: each build
  # compiled from source with its tier's flags; the first installed as usual, the others
  # installed (without dependencies) into $LLAMA_VARIANTS/TIER; each with its record
  local package=$2 tiers tier flags wheels record first=1
  tiers=$(image_llama_tiers "$1") || return 1
  for tier in $tiers; do
    flags=$(llama_flags "$tier") && [[ -n "$flags" ]] || return 1  # empty: -march=native
    wheels=$(mktemp -d)
    echo "building ${package} as '$tier': $flags" >&2
    CMAKE_ARGS="$flags" CMAKE_BUILD_PARALLEL_LEVEL=$(nproc) pip wheel --no-cache-dir --no-deps \
      --no-binary "${package%%==*}" -w "$wheels" "$package" || return 1
    if (( first )); then
      pip install --no-cache-dir "$wheels"/*.whl || return 1
      record="$(python -c 'import sys; print(sys.prefix)')/$LLAMA_RECORD"
    else
      pip install --no-cache-dir --no-deps --target "$LLAMA_VARIANTS/$tier" "$wheels"/*.whl ||
        return 1
      record="$LLAMA_VARIANTS/$tier/$LLAMA_RECORD"
    fi
    printf '%s\n%s\n' "$tier" "$flags" > "$record"
    rm -rf "$wheels"
    first=0
  done
  [[ ! -d "$LLAMA_VARIANTS" ]] || chmod -R a+rX "$LLAMA_VARIANTS"
}

llama_variant() {  # the build this host runs: "default", or the directory of another build
  local generic=$LLAMA_VARIANTS/generic
  if [[ ! -d "$generic" ]] || { has_flag avx2 && has_flag fma && has_flag f16c && has_flag bmi2; }
  then
    echo default
  else
    echo "$generic"
  fi
}

use_llama_variant() {  # puts the chosen build first on PYTHONPATH and names its record
  local dir
  dir=$(llama_variant)
  [[ "$dir" == default ]] && return 0
  echo "mnemo: this CPU lacks AVX2, FMA, F16C or BMI2: the model runs on llama.cpp's" \
    "$(basename "$dir") build (slower)" >&2
  export PYTHONPATH="$dir${PYTHONPATH:+:$PYTHONPATH}"
  export MNEMO_LLAMA_BUILD_RECORD="$dir/$LLAMA_RECORD"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then  # run (the ENTRYPOINT), not sourced
  use_llama_variant
  exec "$@"
fi
