#!/usr/bin/env bash
# Runs every fuzz target for a bounded time, installing what it needs first: a nightly
# toolchain (cargo-fuzz builds with sanitizers) and cargo-fuzz.
#
#   scripts/fuzz.sh            # each target for 10 minutes
#   FUZZ_SECONDS=60 scripts/fuzz.sh
#
# New inputs the fuzzer finds interesting are added to fuzz/corpus/<target>; commit them, and
# the stable replay test (tests/durability/corpus.rs) runs them on every test run.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

seconds="${FUZZ_SECONDS:-600}"

if ! rustup toolchain list | grep -q '^nightly'; then
    rustup toolchain install nightly --profile minimal
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi

for target in $(cargo +nightly fuzz list); do
    mkdir -p "corpus/$target"
    echo "fuzzing $target for ${seconds}s"
    cargo +nightly fuzz run "$target" "corpus/$target" -- -max_total_time="$seconds"
done
