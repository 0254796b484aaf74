#!/usr/bin/env bash
# Set up and run the tests on a fresh machine (Python 3.11+, pip, npm, apt): the README's test
# command, and what CI runs (.ci/run). Safe to run again: what is there is not installed twice.
set -euo pipefail
cd "$(dirname "$0")/.."

# System tools some tests drive, each a real program nobody here wrote:
# - pandoc: qti2latex reads our Canvas QTI packages through it (tests/lms/test_qti.py);
# - node and npm: gift-pegjs parses our GIFT files (tests/lms/test_gift.py);
# - chromium: lays out the Anki cards at phone width (tests/anki/test_card_layout.py), and runs
#   axe-core (npm, tests/a11y/node) on the cards and the HTML quiz (tests/a11y/browser.py).
need=()
command -v pandoc >/dev/null || need+=(pandoc)
command -v node >/dev/null || need+=(nodejs)
command -v npm >/dev/null || need+=(npm)
command -v chromium >/dev/null || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${need[@]}"
fi
npm install --prefix tests/lms/node --no-audit --no-fund --loglevel=error
npm install --prefix tests/a11y/node --no-audit --no-fund --loglevel=error

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q -e '.[test]'
exec .venv/bin/pytest "$@"
