#!/usr/bin/env bash
# The runtime's floors (see workflow-core's crate docs): no import circle among its files, and
# the engine imports nothing from the floors above it.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 ../shared/tools/layers.py workflow-core \
  --below 'engine: driver runner handler context wait child host durable record observe workflow topology'
