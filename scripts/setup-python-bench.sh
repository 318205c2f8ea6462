#!/usr/bin/env bash
# Creates <repo>/.venv-bench with the Python library eventflow is compared against
# (llama-index-workflows, pinned so the figures stay comparable). Idempotent.
set -euo pipefail

VERSION="2.26.1"
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$REPO/.venv-bench"
PY="$VENV/bin/python"

# Already set up: the venv imports `workflows` and has exactly the pinned version.
if [ -x "$PY" ] && "$PY" - "$VERSION" >/dev/null 2>&1 <<'PYEOF'
import sys, importlib.metadata as md
import workflows  # noqa: F401  (must be importable, not just listed)
sys.exit(0 if md.version("llama-index-workflows") == sys.argv[1] else 1)
PYEOF
then
    echo "$PY"
    exit 0
fi

python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check "llama-index-workflows==$VERSION"
echo "$PY"
