# llama.cpp's build flags by tier, and the check that falls back through them; sourced by
# scripts/setup.sh and scripts/llama_variant.sh (the Docker image), and by
# tests/test_model_check.py.
#   cpu:     this CPU's own instruction sets, each named (AVX-512 when it has it), AMX off
#   avx2:    x86-64-v3 (AVX2, FMA, F16C, BMI2): any x86 CPU since 2013-2015, AMX off
#   generic: SSE 4.2 only: any x86-64 CPU of the last 15 years
# On arm64, llama.cpp's portable default (-DGGML_NATIVE=OFF). MNEMO_LLAMA_CMAKE_ARGS, when
# set, is the one tier there is ("custom"), whatever an earlier set-up recorded.
# MNEMO_CPUINFO names the file read for the CPU's flags (tests; /proc/cpuinfo by default).

cpu_flags() {  # this CPU's flags, one a line: x86 lists them as "flags", arm64 as "Features"
  grep -m1 -E '^(flags|Features)[[:space:]]*:' "${MNEMO_CPUINFO:-/proc/cpuinfo}" 2>/dev/null |
    cut -d: -f2 | tr -s ' \t' '\n' | sed '/^$/d'
}
has_flag() { local all; all=$(cpu_flags); grep -qx "$1" <<<"$all"; }

llama_tiers() {
  if [[ -n "${MNEMO_LLAMA_CMAKE_ARGS:-}" ]]; then echo custom; return; fi
  if [[ $(uname -m) != x86_64 ]]; then echo portable; return; fi
  echo cpu
  if has_flag avx2 && has_flag fma && has_flag f16c && has_flag bmi2 && has_flag avx512f; then
    echo avx2  # a plainer build than this CPU's own is worth trying
  fi
  echo generic
}

llama_start_tier() {  # llama_start_tier [RECORDED]: the tier set-up builds (or keeps)
  # MNEMO_LLAMA_CMAKE_ARGS, when set, wins; else the recorded tier (the one that ran) when it
  # is one of this machine's tiers; else this machine's first. A recorded "custom" with the
  # variable unset is not kept: its flags are gone, and empty flags would be -march=native.
  local recorded=${1:-}
  if [[ -n "${MNEMO_LLAMA_CMAKE_ARGS:-}" ]]; then echo custom; return; fi
  if [[ -n "$recorded" && "$recorded" != custom ]] && llama_tiers | grep -qx "$recorded"; then
    echo "$recorded"
    return
  fi
  llama_tiers | sed -n 1p
}

llama_flags() {  # llama_flags TIER: never empty, never llama.cpp's native default
  local base="-DGGML_NATIVE=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF"
  local flag on
  case "$1" in
    custom)
      if [[ -z "${MNEMO_LLAMA_CMAKE_ARGS:-}" ]]; then  # nothing given: this machine's first
        echo "MNEMO_LLAMA_CMAKE_ARGS is empty: building as '$(llama_tiers | sed -n 1p)'" >&2
        llama_flags "$(llama_tiers | sed -n 1p)"
      elif [[ "$MNEMO_LLAMA_CMAKE_ARGS" == *GGML_NATIVE* ]]; then
        echo "$MNEMO_LLAMA_CMAKE_ARGS"
      else  # llama.cpp's default is GGML_NATIVE=ON, which ignores the sets named
        echo "-DGGML_NATIVE=OFF $MNEMO_LLAMA_CMAKE_ARGS"
      fi ;;
    portable) echo "-DGGML_NATIVE=OFF" ;;
    generic)
      echo "$base -DGGML_SSE42=ON -DGGML_AVX=OFF -DGGML_AVX2=OFF -DGGML_BMI2=OFF -DGGML_FMA=OFF -DGGML_F16C=OFF" ;;
    avx2)
      echo "$base -DGGML_SSE42=ON -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_BMI2=ON -DGGML_FMA=ON -DGGML_F16C=ON" ;;
    cpu)
      on="$base"
      for flag in sse4_2:SSE42 avx:AVX avx2:AVX2 bmi2:BMI2 fma:FMA f16c:F16C avx_vnni:AVX_VNNI \
                  avx512f:AVX512 avx512vbmi:AVX512_VBMI avx512_vnni:AVX512_VNNI \
                  avx512_bf16:AVX512_BF16; do
        if has_flag "${flag%%:*}"; then on+=" -DGGML_${flag#*:}=ON"; else on+=" -DGGML_${flag#*:}=OFF"; fi
      done
      echo "$on" ;;
    *) echo "llama_flags: no tier '$1'" >&2; return 1 ;;
  esac
}

verify_llama() {  # the model probed (LLAMA_PROBE); a build killed by a signal rebuilt as the
  # next tier (install_llama, the caller's) until one runs; sets `tier`; 1 when none does
  local code next
  while true; do
    code=0
    "${LLAMA_PROBE[@]}" || code=$?
    (( code == 0 )) && return 0
    if (( code != 3 )); then
      log "the chat model could not be checked (see above); the rest works without it"
      return 0
    fi
    next=$(llama_tiers | sed -n "/^$tier\$/{n;p}")
    if [[ -z "$next" ]]; then
      log "llama.cpp dies on this CPU with every build tried ($(llama_tiers | tr '\n' ' '))."
      log "CPU flags: $(cpu_flags | tr '\n' ' ')"
      if [[ "$tier" == custom ]]; then
        log "Unset MNEMO_LLAMA_CMAKE_ARGS to try set-up's own builds, or try other flags."
      elif [[ $(uname -m) == x86_64 ]]; then
        log "Try MNEMO_LLAMA_CMAKE_ARGS='-DGGML_NATIVE=OFF -DGGML_SSE42=OFF -DGGML_AVX=OFF"
        log "-DGGML_AVX2=OFF -DGGML_FMA=OFF -DGGML_F16C=OFF -DGGML_BMI2=OFF' bash scripts/setup.sh"
      else
        log "Try MNEMO_LLAMA_CMAKE_ARGS='-DGGML_NATIVE=OFF -DGGML_CPU_ARM_ARCH=armv8-a"
        log "-DGGML_CPU_KLEIDIAI=OFF' bash scripts/setup.sh (plain ARMv8, no dotprod/i8mm/SVE)"
      fi
      log "or run the model on another machine (MNEMO_LLM_URL, docs/SCALING.md)."
      return 1
    fi
    log "the '$tier' build of llama.cpp was killed by a signal on this CPU: rebuilding as '$next'"
    tier=$next
    # shellcheck disable=SC2154  # llama_packages: the caller's (scripts/setup.sh)
    if ! install_llama "$tier" "${llama_packages[@]}"; then
      log "building llama.cpp as '$tier' failed (see above)"
      return 1
    fi
  done
}
