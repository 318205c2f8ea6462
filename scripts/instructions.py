#!/usr/bin/env python3
"""Instructions per item of eventflow's hot paths, counted with cachegrind.

    python3 scripts/instructions.py            # print the counts
    python3 scripts/instructions.py --check    # fail if any rose more than 10% over the baseline
    python3 scripts/instructions.py --accept   # write the counts as the new baseline

Each shape runs twice under `valgrind --tool=cachegrind`, at a small and a large size, on the
current-thread runtime (`eventflow-bench --count SHAPE --n N`); the difference of the two
totals divided by the difference of the sizes is the cost of one item, free of start-up
costs. Instruction counts do not depend on how busy the machine is, so a rise is a real
rise. The baseline is `bench/instructions.json`; accept an intended change with --accept and
commit the file with the change that explains it.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BASELINE = os.path.join(ROOT, "bench", "instructions.json")
BENCH = os.path.join(ROOT, "target", "release", "eventflow-bench")
# shape: (small size, large size)
SIZES = {
    "pingpong": (20_000, 40_000),
    "runs": (2_000, 4_000),
    "fanin": (20_000, 40_000),
    "typed_fanout": (20_000, 40_000),
    "durable": (1_000, 2_000),
}
TOLERANCE = 0.10


def total(shape, n):
    cmd = [
        "valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
        BENCH, "--count", shape, "--n", str(n),
    ]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{out.stderr}")
    m = re.search(r"I\s+refs:\s+([\d,]+)", out.stderr)
    if not m:
        sys.exit(f"no instruction count in cachegrind's output:\n{out.stderr}")
    return int(m.group(1).replace(",", ""))


def per_item(shape):
    small, large = SIZES[shape]
    return round((total(shape, large) - total(shape, small)) / (large - small))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="compare with the baseline, fail on a rise")
    ap.add_argument("--accept", action="store_true", help="write the counts as the baseline")
    ap.add_argument("shapes", nargs="*", help="shapes to count (default: all)")
    a = ap.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed: run scripts/setup-valgrind.sh")
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "eventflow-bench"], cwd=ROOT, check=True)
    shapes = a.shapes or list(SIZES)
    baseline = {}
    if os.path.exists(BASELINE):
        with open(BASELINE, encoding="utf-8") as f:
            baseline = json.load(f)["per_item"]
    counts, failed = {}, []
    for shape in shapes:
        counts[shape] = per_item(shape)
        base = baseline.get(shape)
        note = ""
        if base:
            change = counts[shape] / base - 1
            note = f"  baseline {base:>9,}  {change:+.1%}"
            if change > TOLERANCE:
                failed.append(shape)
                note += "  ROSE"
        print(f"{shape:<14}{counts[shape]:>9,} instructions per item{note}", flush=True)
    if a.accept:
        merged = dict(baseline)
        merged.update(counts)
        with open(BASELINE, "w", encoding="utf-8") as f:
            json.dump({"tool": "cachegrind", "runtime": "current-thread", "sizes": SIZES,
                       "per_item": merged}, f, indent=2, sort_keys=True)
            f.write("\n")
        print(f"wrote {os.path.relpath(BASELINE, ROOT)}")
    if a.check and failed:
        sys.exit(f"instructions per item rose more than {TOLERANCE:.0%} for: {', '.join(failed)}; "
                 "if intended, run `python3 scripts/instructions.py --accept` and commit "
                 "bench/instructions.json with the change")


if __name__ == "__main__":
    main()
