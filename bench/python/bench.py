"""Python side of eventflow's benchmark: the same workload shapes run on
llama-index-workflows, the library eventflow re-imagines.

Usage: bench.py [--scale smoke|small]   (default: small)

Prints exactly one JSON line on stdout. Set up the interpreter with
scripts/setup-python-bench.sh.
"""

import argparse
import asyncio
import contextlib
import gc
import json
import os
import platform
import sys
import time
from importlib.metadata import version

from workflows import Context, Workflow, step
from workflows.events import Event, StartEvent, StopEvent

SCALES = {
    "smoke": {"round_trips": 20, "fanout": [10], "runs": 5, "stream": 10, "suspended": 20},
    "small": {
        "round_trips": 2000,
        "fanout": [250, 500, 1000, 2000],
        "runs": 500,
        "stream": 5000,
        "suspended": 10000,
    },
}


# --- ping-pong: per-event dispatch cost --------------------------------------


class Ping(Event):
    n: int


class Pong(Event):
    n: int


class PingPong(Workflow):
    # Hops are counted where they happen, so the report is what was routed,
    # not what the arithmetic says should have been.
    hops = 0

    @step
    async def start(self, ev: StartEvent) -> Ping:
        return Ping(n=ev.round_trips)

    @step
    async def ping(self, ev: Ping) -> Pong | StopEvent:
        if ev.n <= 0:
            return StopEvent(result="done")
        self.hops += 1
        return Pong(n=ev.n)

    @step
    async def pong(self, ev: Pong) -> Ping:
        self.hops += 1
        return Ping(n=ev.n - 1)


# --- fan-out / fan-in: send N jobs, 64 workers, collect_events gathers -------


class Job(Event):
    i: int
    total: int


class Done(Event):
    i: int
    total: int


class FanOut(Workflow):
    @step
    async def start(self, ctx: Context, ev: StartEvent) -> Job:
        for i in range(ev.n):
            ctx.send_event(Job(i=i, total=ev.n))
        return None

    @step(num_workers=64)
    async def work(self, ev: Job) -> Done:
        return Done(i=ev.i, total=ev.total)

    @step
    async def gather(self, ctx: Context, ev: Done) -> StopEvent | None:
        # N travels on the event so the gather needs no store round trip per item.
        got = ctx.collect_events(ev, [Done] * ev.total)
        if got is None:
            return None
        return StopEvent(result=len(got))


# --- runs: many concurrent runs of a small 3-step workflow -------------------


class A(Event):
    x: int


class B(Event):
    x: int


class ThreeSteps(Workflow):
    @step
    async def s1(self, ev: StartEvent) -> A:
        return A(x=ev.x + 1)

    @step
    async def s2(self, ev: A) -> B:
        return B(x=ev.x + 1)

    @step
    async def s3(self, ev: B) -> StopEvent:
        return StopEvent(result=ev.x + 1)


# --- stream: one step writes N events, the caller reads them -----------------


class Progress(Event):
    i: int


class Streamer(Workflow):
    @step
    async def emit(self, ctx: Context, ev: StartEvent) -> StopEvent:
        for i in range(ev.n):
            ctx.write_event_to_stream(Progress(i=i))
        return StopEvent(result=ev.n)


# --- suspended: memory held by runs parked in a step -------------------------


class Suspended(Workflow):
    def arm(self, expected: int) -> None:
        """Fresh gates for a batch of `expected` runs (shared by all of them)."""
        self.expected = expected
        self.waiting = 0
        self.all_waiting = asyncio.Event()
        self.release = asyncio.Event()

    @step
    async def park(self, ev: StartEvent) -> StopEvent:
        self.waiting += 1
        if self.waiting == self.expected:
            self.all_waiting.set()
        await self.release.wait()
        return StopEvent(result=1)


# --- measurements ------------------------------------------------------------


async def bench_pingpong(round_trips: int) -> dict:
    wf = PingPong(timeout=None)
    await wf.run(round_trips=2)  # warm-up: also pays first-run validation
    wf.hops = 0
    t = time.perf_counter()
    result = await wf.run(round_trips=round_trips)
    seconds = time.perf_counter() - t
    assert result == "done", result
    assert wf.hops == 2 * round_trips, wf.hops
    return {"hops": wf.hops, "seconds": seconds}


async def bench_fanout(sizes: list[int]) -> list[dict]:
    wf = FanOut(timeout=None)
    assert await wf.run(n=10) == 10  # warm-up
    out = []
    for n in sizes:
        t = time.perf_counter()
        result = await wf.run(n=n)
        seconds = time.perf_counter() - t
        assert result == n, (result, n)
        out.append({"n": n, "seconds": seconds})
    return out


async def bench_runs(runs: int) -> dict:
    wf = ThreeSteps(timeout=None)
    assert await asyncio.gather(*(wf.run(x=i) for i in range(5))) == [3, 4, 5, 6, 7]  # warm-up
    t = time.perf_counter()
    results = await asyncio.gather(*(wf.run(x=i) for i in range(runs)))
    seconds = time.perf_counter() - t
    assert results == [i + 3 for i in range(runs)]
    return {"runs": runs, "seconds": seconds}


async def bench_stream(n: int) -> dict:
    wf = Streamer(timeout=None)

    async def consume(n: int) -> int:
        handler = wf.run(n=n)
        count = 0
        async for ev in handler.stream_events():
            if isinstance(ev, Progress):
                count += 1
        assert await handler == n
        return count

    assert await consume(10) == 10  # warm-up
    t = time.perf_counter()
    count = await consume(n)
    seconds = time.perf_counter() - t
    assert count == n, (count, n)
    return {"events": count, "seconds": seconds}


def rss_bytes() -> int:
    # statm fields are in pages: size resident shared ...
    with open("/proc/self/statm") as f:
        resident_pages = int(f.read().split()[1])
    return resident_pages * os.sysconf("SC_PAGE_SIZE")


async def bench_suspended(runs: int) -> dict:
    wf = Suspended(timeout=None)

    async def batch(r: int, measure: bool) -> int:
        wf.arm(r)
        gc.collect()  # so the baseline does not carry garbage from earlier shapes
        before = rss_bytes()
        handlers = [wf.run() for _ in range(r)]
        await wf.all_waiting.wait()
        assert wf.waiting == r, (wf.waiting, r)
        after = rss_bytes() if measure else before
        wf.release.set()
        assert await asyncio.gather(*handlers) == [1] * r
        return after - before

    await batch(5, measure=False)  # warm-up
    return {"runs": runs, "rss_bytes": await batch(runs, measure=True)}


async def main(scale: dict) -> dict:
    return {
        "library": "llama-index-workflows",
        "version": version("llama-index-workflows"),
        "python": platform.python_version(),
        "pingpong": await bench_pingpong(scale["round_trips"]),
        "fanout": await bench_fanout(scale["fanout"]),
        "runs": await bench_runs(scale["runs"]),
        "stream": await bench_stream(scale["stream"]),
        "suspended": await bench_suspended(scale["suspended"]),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    args = parser.parse_args()
    # Anything the library prints goes to stderr: stdout carries only the JSON line.
    with contextlib.redirect_stdout(sys.stderr):
        report = asyncio.run(main(SCALES[args.scale]))
    print(json.dumps(report))
