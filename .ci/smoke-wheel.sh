#!/usr/bin/env bash
# Smoke-test the built wheel as a user gets it: build it, install it into a fresh venv outside the source tree,
# first without extras (`agentkit demo` must run on agentkit's scripted clients), then with [all] (the demo's
# real SDK clients over HTTP to the local fake provider). Uses the warm pip cache; no new build dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=${PYTHON:-python3}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

echo "== smoke: build the wheel"
"$PY" -m pip wheel --quiet --no-deps -w "$WORK/dist" .
WHEEL=$(ls "$WORK"/dist/autogen_agentkit-*.whl)
echo "   $(basename "$WHEEL")"

"$PY" -m venv "$WORK/venv"
VPY="$WORK/venv/bin/python"
"$VPY" -m pip install --quiet --upgrade pip
if [ -f "$ROOT/.ci/constraints.txt" ]; then export PIP_CONSTRAINT="$ROOT/.ci/constraints.txt"; fi

cd "$WORK"  # never import agentkit from the source tree
expected=$("$PY" -c "import tomllib, sys; print(tomllib.load(open(sys.argv[1], 'rb'))['project']['version'])" \
    "$ROOT/pyproject.toml" 2> /dev/null || sed -n 's/^version = "\(.*\)"/\1/p' "$ROOT/pyproject.toml")

echo "== smoke: plain install (no extras)"
"$VPY" -m pip install --quiet "$WHEEL"
"$VPY" -c "import agentkit, sys; assert 'site-packages' in agentkit.__file__, agentkit.__file__"
test "$("$WORK/venv/bin/agentkit" --version)" = "agentkit $expected"
"$WORK/venv/bin/agentkit" demo --json > plain.json
"$VPY" -c "import json; r = json.load(open('plain.json')); assert r['ok'] and r['backend'] == 'scripted', r"
echo "   agentkit demo: ok on agentkit's scripted clients"

echo "== smoke: pip install \"autogen-agentkit[all]\" from the wheel"
"$VPY" -m pip install --quiet "$WHEEL[all]"
test "$("$WORK/venv/bin/agentkit" --version)" = "agentkit $expected"
"$WORK/venv/bin/agentkit" demo
"$WORK/venv/bin/agentkit" demo | head -3 > /dev/null 2> head.err || true
if [ -s head.err ]; then echo "agentkit demo | head wrote to stderr:"; cat head.err; exit 1; fi
echo "== smoke: ok"
