"""`python3 -m rig bench`: launch-to-ready time and request round trips.

(`make bench` is rig/bench_suite.py: every figure against its floor.)

For each target (qemu, host) and transport (stdio, socket): the median
(and min/max) of the time from launch to the parsed `ready` line over N
boots, and the round trips per second of a cheap request (`info` by
default) over one session. Prints one JSON object."""
from __future__ import annotations

import json
import statistics
import subprocess
import time
from typing import Callable, Iterable

from .config import TargetConfig
from .session import Session


def boot_times(config: TargetConfig, boots: int) -> list[float]:
    """Seconds from launch to `ready`, one per boot (each target killed after)."""
    out = []
    for _ in range(boots):
        session = Session(config)
        t0 = time.perf_counter()
        try:
            session.start()
            out.append(time.perf_counter() - t0)
        finally:
            session.stop()
    return out


def round_trips(config: TargetConfig, requests: int, line: str = "info") -> float:
    """Requests per second of `line`, one at a time, over one session."""
    with Session(config) as session:
        for _ in range(min(50, requests)):
            session.ok(line)
        t0 = time.perf_counter()
        for _ in range(requests):
            session.ok(line)
        elapsed = time.perf_counter() - t0
        session.exit(0)
    return requests / elapsed


def bench_one(config: TargetConfig, boots: int, requests: int, line: str) -> dict:
    """The measurements of one configuration."""
    times = boot_times(config, boots)
    return {
        "command_line": str(config),
        "transport": config.transport + (" (socketpair on stdin/stdout)"
                                          if config.kind == "host" and config.transport == "socket"
                                          else ""),
        "boots": boots,
        "ready_median_s": round(statistics.median(times), 4),
        "ready_min_s": round(min(times), 4),
        "ready_max_s": round(max(times), 4),
        "requests": requests,
        "request": line,
        "round_trips_per_s": round(round_trips(config, requests, line), 1),
    }


def bench(configs: Iterable[tuple[str, TargetConfig]], boots: int = 20,
          requests: int = 2000, line: str = "info",
          progress: Callable[[str], None] = lambda s: None) -> dict:
    """Measurements keyed by name ("qemu/stdio", ...); errors are reported
    in place of the numbers of a configuration that failed."""
    results = {}
    for name, config in configs:
        progress(name)
        try:
            results[name] = bench_one(config, boots, requests, line)
        except Exception as e:  # report and go on with the others
            results[name] = {"command_line": str(config), "error": str(e).splitlines()[0]}
    return results


def _timed(session: Session, line: str) -> float:
    t0 = time.perf_counter()
    session.ok(line)
    return time.perf_counter() - t0


def mapping_ops(config: TargetConfig, pages: int = 2000, reps: int = 5) -> dict:
    """The core's figures through the protocol: per-page map+unmap pairs of
    each size, one `map` of 1 GiB (device space), `translate`; the best of
    `reps` (in microseconds per request, round trip included)."""
    sizes = {"4K": (0x10001000, 0x10000000, "4K"), "64K": (0x10010000, 0x20000000, "64K"),
             "1M": (0x10100000, 0x20000000, "1M"), "16M": (0x11000000, 0x20000000, "16M")}
    out: dict = {}
    with Session(config) as s:
        for name, (va, pa, size) in sizes.items():
            n = pages if name in ("4K", "64K") else 200
            best = min(sum(_timed(s, f"map {va:#x} {pa:#x} {size} read") +
                           _timed(s, f"unmap {va:#x} {size}") for _ in range(n)) / n
                       for _ in range(reps))
            out[f"map_unmap_pair_us_{name}"] = round(best * 1e6, 2)
        m1g = []
        for _ in range(reps):
            m1g.append(_timed(s, "map 0x40000000 0x80000000 1G read"))
            s.ok("unmap 0x40000000 1G")
        out["map_1GiB_request_us"] = round(min(m1g) * 1e6, 2)
        s.ok("map 0x10001000 0x10000000 4M read")
        tr = min(sum(_timed(s, f"translate {0x10001000 + i * 4096:#x}") for i in range(1000)) / 1000
                 for _ in range(reps))
        out["translate_request_us"] = round(tr * 1e6, 2)
        s.ok("check")
        s.exit(0)
    return out


def core_figures(binary: str) -> dict:
    """The host build's own figures (kernel/test/bench_core.c), no protocol."""
    done = subprocess.run([binary], check=True, capture_output=True, text=True, timeout=600)
    return json.loads(done.stdout)


def main_json(results: dict) -> str:
    return json.dumps(results, indent=2)
