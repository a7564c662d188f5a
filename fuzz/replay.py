#!/usr/bin/env python3
"""fuzz/replay.py: replays a fuzz command script on vmsim or QEMU.

    python3 fuzz/replay.py --target host|qemu SCRIPT [--mem 256M] [-v]

The scripts come from `build/host/fuzz_replay -s` (and `make fuzz-triage`).
They are rig scripts (python3 -m rig run) plus two things rig run does not
know yet, so that one script replays on targets whose allocators differ:

    f3 = pmm alloc 4 0x10000       binds f3 to the reply's first key (pa=)
    map 0x400000 $f3+0x1000 4K read,write      $name[+-0x...] is replaced
    peek 0x400000   # want val=0x1111          these keys must match
    as switch 3   # want asid<=0x2             this key must not exceed it
    peek 0x500000   # expect err FAULT         this error must come back
    pmm alloc 7 0x100000   # either ok or err NO_MEMORY ...
                                               either answer (the harness's
                                               4 MiB ran out; a bigger
                                               target may have room)
    # FINDING oracle=... : ...                 what the harness saw (info)
    # cpus: 2                                  boot the target with 2 CPUs
                                               (vmsim --cpus, QEMU -smp;
                                               --cpus overrides)

Exit status: 0 if every reply matched, 1 at the first mismatch (the script
reproduces on this target), 2 if the target could not be driven."""
from __future__ import annotations

import argparse
import dataclasses
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rig.config import make_config  # noqa: E402
from rig.errors import RigError  # noqa: E402
from rig.session import Session  # noqa: E402

_VAR = re.compile(r"\$([a-z][a-z0-9]*)((?:[+-]0x[0-9a-f]+)?)")
_WANT = re.compile(r"([a-z_]+)(<=|=)(.*)")
_CPUS = re.compile(r"^#\s*cpus:\s*(\d+)", re.M)
_BIND = re.compile(r"^([a-z][a-z0-9]*)\s*=\s*(.*)$")


def substitute(text: str, env: dict[str, int]) -> str:
    def one(m: re.Match) -> str:
        name, off = m.group(1), m.group(2)
        if name not in env:
            raise KeyError(f"${name} is not bound")
        v = env[name]
        if off:
            v += int(off, 16) if off[0] == "+" else -int(off[1:], 16)
        return hex(v & 0xffffffff)
    return _VAR.sub(one, text)


def parse(line: str):
    """(bind, request, expect_err, wants) of one script line, or None."""
    code, _, comment = line.partition("#")
    code = code.strip()
    if not code:
        return None
    bind = None
    m = _BIND.match(code)
    if m:
        bind, code = m.group(1), m.group(2).strip()
    expect, wants = None, {}
    c = comment.strip()
    if c.startswith("either ok or err"):
        expect = "either " + c.split()[4]
    elif c.startswith("expect err"):
        expect = c.split()[2] if len(c.split()) > 2 else "*"
    elif c.startswith("want"):
        for kv in c.split()[1:]:
            k, op, v = _WANT.match(kv).groups()
            wants[k] = (op, v)
    return bind, code, expect, wants


def first_value(raw: str) -> int:
    for tok in raw.split()[1:]:
        if "=" in tok:
            return int(tok.split("=", 1)[1], 0)
    raise ValueError(f"no key in {raw!r} to bind")


def replay(session: Session, text: str, verbose: bool, out=sys.stdout) -> int:
    env: dict[str, int] = {}
    for n, raw in enumerate(text.splitlines(), 1):
        p = parse(raw)
        if p is None:
            continue
        bind, code, expect, wants = p
        request = substitute(code, env)
        reply = session.request(request)
        if verbose:
            print(f"> {request}", file=out)
            for l in reply.lines:
                print(f"  {l}", file=out)
        why = None
        if expect is not None and expect.startswith("either "):
            if not reply.ok and reply.code != expect.split()[1]:
                why = f"err {reply.code}, expected ok or err {expect.split()[1]}"
        elif expect is not None:
            if reply.ok:
                why = f"ok, expected err {expect}"
            elif expect != "*" and reply.code != expect:
                why = f"err {reply.code}, expected err {expect}"
        elif not reply.ok:
            why = f"{reply.final.raw}, expected ok"
        else:
            for k, (op, v) in wants.items():
                want = int(substitute(v, env), 0)
                if k not in reply.fields:
                    why = f"no {k}= in {reply.final.raw!r}"
                elif op == "<=" and reply.fields.int(k) > want:
                    why = f"{k}={reply.fields[k]}, expected at most {hex(want)}"
                elif op == "=" and reply.fields.int(k) != want:
                    why = f"{k}={reply.fields[k]}, expected {hex(want)}"
                if why:
                    break
        if why:
            print(f"line {n}: {request}: {why}", file=out)
            return 1
        if bind and reply.ok:
            env[bind] = first_value(reply.final.raw)
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("script", type=Path)
    ap.add_argument("--target", choices=("host", "qemu"), default="host")
    ap.add_argument("--mem", default=None)
    ap.add_argument("--timeout", type=float, default=20.0)
    ap.add_argument("--cpus", type=int, default=None,
                    help="CPUs of the target (default: the script's `# cpus:` line, else 1)")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args(argv)
    text = a.script.read_text()
    cpus = a.cpus
    if cpus is None:
        m = _CPUS.search(text)
        cpus = int(m.group(1)) if m else 1
    cfg = make_config(a.target, mem=a.mem)
    if cpus != 1:
        cfg = dataclasses.replace(cfg, cpus=cpus)
    s = Session(cfg, request_timeout=a.timeout, boot_timeout=max(a.timeout, 20.0))
    try:
        s.start()
        rc = replay(s, text, a.verbose)
    except RigError as e:
        print(f"target failed: {e}")
        return 1 if "panic" in str(e).lower() else 2
    finally:
        s.stop()
    print("reproduces" if rc else "does not reproduce", f"on {a.target}")
    return rc


if __name__ == "__main__":
    sys.exit(main())
