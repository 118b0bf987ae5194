#!/usr/bin/env bash
# Installs what the web UI's browser tests drive: Debian's Chromium and its chromedriver (same version, both from
# apt; Selenium never downloads a driver). Does nothing when both are there already.
set -euo pipefail
if [ -x /usr/bin/chromedriver ] && { [ -x /usr/bin/chromium ] || [ -x /usr/bin/chromium-browser ]; }; then
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "install-browser: no apt-get here; install Chromium and chromedriver by hand (tests skip without them outside CI)" >&2
  exit 0
fi
sudo=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null; then sudo="sudo"; else
    echo "install-browser: not root and no sudo; run: apt-get install -y chromium chromium-driver" >&2
    exit 0
  fi
fi
echo "install-browser: installing chromium and chromium-driver..." >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get install -y -q chromium chromium-driver >&2 \
  || { $sudo apt-get update -q >&2 && $sudo apt-get install -y -q chromium chromium-driver >&2; }
