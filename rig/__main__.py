"""Command line of the rig (`python3 -m rig`, or `vmk-rig` when pip-installed).

    python3 -m rig shell [--target qemu|host] [--cpu C] [--mem M] [--transport T]
    python3 -m rig run SCRIPT [--target ...] [--stop-on-err]
    python3 -m rig shell|run --connect tcp:HOST:PORT|unix:PATH   attach instead
    python3 -m rig debug [--gdb-port N]     QEMU halted, gdb-multiarch, a shell
    python3 -m rig bench [--boots N] [--requests N] [--targets qemu,host]
    python3 -m rig cmdline [--target ...]      prints the exact command line

Every error of the command line is one line on stderr and a non-zero
status (2); `run` exits 1 when a reply was not what the script says.
"""
from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path
from typing import NoReturn, Optional

from .config import CPUS, QEMU_BINARY, TRANSPORTS, make_config
from .session import DEFAULT_BOOT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT, Session

PROG = "python3 -m rig"


class _Parser(argparse.ArgumentParser):
    """argparse whose errors are one line: `python3 -m rig run: error: ...`."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (--help for usage)\n")


def _target_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--target", choices=("qemu", "host"), default="qemu")
    p.add_argument("--cpu", choices=CPUS, default="cortex-a15", help="QEMU -cpu")
    p.add_argument("--mem", default=None,
                   help="RAM: QEMU -m (default 256M, 64M to 1G) or vmsim --ram (suffix K/M/G)")
    p.add_argument("--transport", choices=TRANSPORTS, default=None,
                   help="the channel: stdio (default), socket (unix) or tcp (QEMU only)")
    p.add_argument("--socket", action="store_true", help="same as --transport socket")
    p.add_argument("--kernel", type=Path, default=None, help="default build/vmk.elf")
    p.add_argument("--vmsim", type=Path, default=None, help="default build/host/vmsim")
    p.add_argument("--qemu", default=QEMU_BINARY, help="QEMU binary")
    p.add_argument("--qemu-arg", action="append", default=[], metavar="ARG",
                   help="one more QEMU (or vmsim) argument; repeatable")
    p.add_argument("--qemu-extra-args", default="", metavar="ARGS",
                   help="more QEMU arguments, split like a shell does")
    p.add_argument("--request-timeout", "--timeout", dest="timeout", type=float,
                   default=DEFAULT_REQUEST_TIMEOUT,
                   help="seconds a request may take before the target is killed")
    p.add_argument("--boot-timeout", type=float, default=DEFAULT_BOOT_TIMEOUT,
                   help="seconds from launch (or attach) to ready")
    p.add_argument("--connect", default=None, metavar="ADDR",
                   help="attach to a running target: tcp:HOST:PORT or unix:PATH")
    p.add_argument("--connect-reset", default=None, metavar="ADDR",
                   help="its QEMU monitor (tcp:HOST:PORT): system_reset first")
    p.add_argument("--log", type=Path, default=None,
                   help="write the transcript (every byte both ways) to this file")


def _abs(path: Optional[Path]) -> Optional[Path]:
    return path.resolve() if path is not None else None


def _config(args: argparse.Namespace):
    transport = args.transport or ("socket" if args.socket else "stdio")
    extra = tuple(args.qemu_arg) + tuple(shlex.split(args.qemu_extra_args))
    if args.connect_reset and not args.connect:
        raise ValueError("--connect-reset needs --connect")
    return make_config(args.target, kernel=_abs(args.kernel), vmsim=_abs(args.vmsim),
                       cpu=args.cpu, mem=args.mem, transport=transport, qemu=args.qemu,
                       extra_args=extra, connect=args.connect, reset=args.connect_reset)


def _session(args: argparse.Namespace) -> Session:
    return Session(_config(args), request_timeout=args.timeout,
                   boot_timeout=args.boot_timeout, log=args.log)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog=PROG, description=__doc__,
                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True, parser_class=_Parser)
    sh = sub.add_parser("shell", help="interactive session (history, Tab completion)")
    _target_options(sh)
    from . import script
    run = sub.add_parser("run", help="send a script of requests",
                         description=script.__doc__,
                         formatter_class=argparse.RawDescriptionHelpFormatter)
    run.add_argument("script", type=Path, help="file of requests, or - for stdin")
    run.add_argument("--stop-on-err", action="store_true",
                     help="stop with status 1 at the first unexpected reply")
    _target_options(run)
    cl = sub.add_parser("cmdline", help="print the exact command line")
    _target_options(cl)
    from . import debug
    dbg = sub.add_parser("debug", help="QEMU halted for gdb, gdb-multiarch, a shell on the channel",
                         description=debug.__doc__,
                         formatter_class=argparse.RawDescriptionHelpFormatter)
    debug.add_options(dbg)
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
    from . import bench
    configs = [(f"{kind}/{tr}", make_config(kind, kernel=_abs(args.kernel),
                                            vmsim=_abs(args.vmsim), cpu=args.cpu,
                                            mem=args.mem, transport=tr))
               for kind in args.targets.split(",") for tr in args.transports.split(",")]
    progress = lambda n: print(f"# {n}", file=sys.stderr, flush=True)  # noqa: E731
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


def _read_script(path: Path) -> str:
    if str(path) == "-":
        return sys.stdin.read()
    try:
        return path.read_text()
    except OSError as e:
        raise ValueError(f"cannot read the script {path}: {e.strerror}") from None
    except UnicodeDecodeError:
        raise ValueError(f"the script {path} is not text") from None


def _dispatch(args: argparse.Namespace) -> int:
    from . import script, shell
    if args.cmd == "bench":
        return _bench(args)
    if args.cmd == "debug":
        from . import debug
        return debug.main(args)
    if args.cmd == "run":
        text = _read_script(args.script)
        return script.run_script(_session(args), text, args.stop_on_err)
    session = _session(args)
    if args.cmd == "shell":
        return shell.run_shell(session)
    print(session.config)
    return 0


def main(argv: Optional[list[str]] = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return _dispatch(args)
    except ValueError as e:
        sub = f"{PROG} {args.cmd}"
        print(f"{sub}: error: {str(e).splitlines()[0]}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG} {args.cmd}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
