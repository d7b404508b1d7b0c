# gdviz, self-hosted: `docker build -t gdviz .` then `docker run -p 8501:8501 gdviz`.
# The runtime only (requirements.txt, every package pinned): no test tools, no browser. Settings come from
# .streamlit/config.toml.
#
# The base image is a build argument so that it is pinned by digest where the image is built (the default, the tag
# alone, moves with every Python patch release and Debian update). Look the digest up, then build with it:
#   docker buildx imagetools inspect python:3.12-slim     # the "Digest: sha256:..." line
#   docker build --build-arg PYTHON_IMAGE=python:3.12-slim@sha256:<digest> -t gdviz .
ARG PYTHON_IMAGE=python:3.12-slim
FROM ${PYTHON_IMAGE}

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# an unprivileged user owns nothing it could rewrite: the code stays root's, read-only to the app
RUN useradd --create-home --uid 10001 gdviz
WORKDIR /app

# dependencies first, so a code change reuses this layer (requirements.txt's last line, `-e .`, is gdviz itself)
COPY requirements.txt .
RUN grep -v '^-e ' requirements.txt > /tmp/runtime.txt && pip install --no-cache-dir -r /tmp/runtime.txt

# gdviz installed as itself, so Streamlit serves the stage's files (its player and plotly.js)
COPY . .
RUN pip install --no-cache-dir --no-deps -e .

USER gdviz
EXPOSE 8501

# slim has no curl: ask Streamlit's health endpoint with the standard library (under the base path, if one is set)
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request; base = os.environ.get('STREAMLIT_SERVER_BASE_URL_PATH', '').strip('/'); url = 'http://127.0.0.1:8501' + ('/' + base if base else '') + '/_stcore/health'; sys.exit(urllib.request.urlopen(url, timeout=4).read() != b'ok')"]

CMD ["streamlit", "run", "app.py", "--server.port=8501", "--server.address=0.0.0.0"]
