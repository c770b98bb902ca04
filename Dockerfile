# importrun-bot: `docker build -t importrun-bot .` then
# `docker run --env-file .env -p 3000:3000 -v importrun-data:/data importrun-bot`
# The base is pinned to one Python release and Debian release; the dependencies come from
# requirements.lock (exact versions and hashes, `pip-compile --generate-hashes`), in a layer
# of their own that a change to the bot's code does not rebuild.
FROM python:3.11.7-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATABASE_URL=sqlite:////data/importrun-bot.db

RUN useradd --create-home --uid 10001 importrun && mkdir /data && chown importrun /data
WORKDIR /app
COPY requirements.lock ./
RUN pip install --require-hashes --no-deps -r requirements.lock
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN pip install --no-deps .

USER importrun
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"PORT\", \"3000\")}/healthz', timeout=2)"
CMD ["importrun-bot", "serve"]
