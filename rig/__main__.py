"""Command line of the rig.

    python3 -m rig shell [--target qemu|host] [--cpu C] [--mem M] [--socket]
    python3 -m rig run SCRIPT [--target ...] [--stop-on-err]
    python3 -m rig bench [--boots N] [--requests N] [--targets qemu,host]
    python3 -m rig cmdline [--target ...]      prints the exact command line
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Optional

from . import bench, script, shell
from .config import CPUS, QEMU_BINARY, make_config
from .session import DEFAULT_BOOT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT, Session


def _target_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--target", choices=("qemu", "host"), default="qemu")
    p.add_argument("--cpu", choices=CPUS, default="cortex-a15", help="QEMU -cpu")
    p.add_argument("--mem", default=None,
                   help="RAM: QEMU -m (default 256M) or vmsim --ram (suffix K/M/G)")
    p.add_argument("--socket", action="store_true",
                   help="channel over a unix socket instead of stdio")
    p.add_argument("--kernel", type=Path, default=None, help="default build/vmk.elf")
    p.add_argument("--vmsim", type=Path, default=None, help="default build/host/vmsim")
    p.add_argument("--qemu", default=QEMU_BINARY, help="QEMU binary")
    p.add_argument("--timeout", type=float, default=DEFAULT_REQUEST_TIMEOUT,
                   help="seconds a request may take before the target is killed")
    p.add_argument("--boot-timeout", type=float, default=DEFAULT_BOOT_TIMEOUT)
    p.add_argument("--log", type=Path, default=None,
                   help="write the transcript (every byte both ways) to this file")


def _abs(path: Optional[Path]) -> Optional[Path]:
    return path.resolve() if path is not None else None


def _config(args: argparse.Namespace):
    return make_config(args.target, kernel=_abs(args.kernel), vmsim=_abs(args.vmsim),
                       cpu=args.cpu, mem=args.mem,
                       transport="socket" if args.socket else "stdio", qemu=args.qemu)


def _session(args: argparse.Namespace) -> Session:
    return Session(_config(args), request_timeout=args.timeout,
                   boot_timeout=args.boot_timeout, log=args.log)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python3 -m rig", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    sh = sub.add_parser("shell", help="interactive session (history, Tab completion)")
    _target_options(sh)
    run = sub.add_parser("run", help="send a script of requests",
                         description=script.__doc__,
                         formatter_class=argparse.RawDescriptionHelpFormatter)
    run.add_argument("script", type=Path, help="file of requests, or - for stdin")
    run.add_argument("--stop-on-err", action="store_true",
                     help="stop with status 1 at the first unexpected reply")
    _target_options(run)
    cl = sub.add_parser("cmdline", help="print the exact command line")
    _target_options(cl)
    b = sub.add_parser("bench", help="launch-to-ready and round trips/s, as JSON")
    b.add_argument("--boots", type=int, default=20)
    b.add_argument("--requests", type=int, default=2000)
    b.add_argument("--request", default="info")
    b.add_argument("--targets", default="qemu,host")
    b.add_argument("--transports", default="stdio,socket")
    b.add_argument("--kernel", type=Path, default=None)
    b.add_argument("--vmsim", type=Path, default=None)
    b.add_argument("--cpu", choices=CPUS, default="cortex-a15")
    b.add_argument("--mem", default=None)
    b.add_argument("--core", default=None,
                   help="also run this host core benchmark binary (build/host/bench_core)")
    return p


def _bench(args: argparse.Namespace) -> int:
    configs = [(f"{kind}/{tr}", make_config(kind, kernel=_abs(args.kernel),
                                            vmsim=_abs(args.vmsim), cpu=args.cpu,
                                            mem=args.mem, transport=tr))
               for kind in args.targets.split(",") for tr in args.transports.split(",")]
    progress = lambda n: print(f"# {n}", file=sys.stderr, flush=True)
    results = bench.bench(configs, args.boots, args.requests, args.request, progress=progress)
    for name, config in configs:
        if name.endswith("/stdio"):
            progress(f"{name} mapping")
            results[name]["mapping"] = bench.mapping_ops(config)
    if args.core:
        progress("host core")
        results.update(bench.core_figures(args.core))
    print(bench.main_json(results))
    return 1 if any("error" in r for r in results.values()) else 0


def main(argv: Optional[list[str]] = None) -> int:
    args = _parser().parse_args(argv)
    if args.cmd == "shell":
        return shell.run_shell(_session(args))
    if args.cmd == "run":
        text = sys.stdin.read() if str(args.script) == "-" else args.script.read_text()
        return script.run_script(_session(args), text, args.stop_on_err)
    if args.cmd == "cmdline":
        print(_config(args))
        return 0
    return _bench(args)


if __name__ == "__main__":
    sys.exit(main())
