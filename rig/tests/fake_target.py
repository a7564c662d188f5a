#!/usr/bin/python3
"""A tiny stand-in for vmk and vmsim, for the rig's own tests.

It speaks enough of PROTOCOL.md's channel to exercise the rig: a boot line
that is no reply line, `ready`, `info`, `help`, `as list`, `peek` (with a
fault at 0x90000000), `exit [code]`, and misbehaviour on request: `panic`
(prints `! panic`, exits 70), `hang` (says nothing), `slow S` (answers after S seconds), `die` (exits 3 without
a reply), `garbage` (a line that is not a reply line), `many N` (N records).

Run as QEMU (argv has -kernel): reads -m and -chardev like QEMU; stdio
lines end `\\r\\n` as on QEMU's pty; `socket,path=P,server=on` serves P,
`socket,host=H,port=N,server=on` serves TCP.
Run as vmsim otherwise (`--ram BYTES`). Extra options: `--fake-silent`
(never ready), `--fake-boot-delay S`, `--fake-old-help` (no `help <command>`,
as a kernel of PROTOCOL 1.0). `help` answers rig/help.txt's records.
"""
import os
import socket
from pathlib import Path
import sys
import time

#: The kernel's `help` records, as rig/help.txt recorded them.
HELP = [line for line in (Path(__file__).resolve().parents[1] / "help.txt").read_text()
        .splitlines() if line.startswith("- cmd=")]
OPTS = set()

INFO_KEYS = "pages_total={pt} pages_free={pf} as=1 asid=1 asid_gen=1 " \
            "heap_base=0xc0000000 heap_top=0xc0000000 mmio_floor=0xfff00000 " \
            "mmio_top=0xfff00000"


def parse_args(argv):
    """(ram bytes, chardev spec or None, options set, boot delay)."""
    ram, chardev, delay, opts = 256 << 20, None, 0.0, set()
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "-m":
            v = argv[i + 1]
            mult = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}.get(v[-1], 1 << 20)
            ram = int(v.rstrip("KMG")) * mult
            i += 1
        elif a == "--ram":
            ram = int(argv[i + 1], 0)
            i += 1
        elif a == "-chardev":
            chardev = argv[i + 1]
            i += 1
        elif a == "--fake-boot-delay":
            delay = float(argv[i + 1])
            i += 1
        elif a.startswith("--fake-"):
            opts.add(a)
        i += 1
    return ram, chardev, opts, delay


class Channel:
    """Byte channel: stdin/stdout, or an accepted unix socket connection."""

    def __init__(self, chardev):
        self.eol = b"\n"
        self.sock = None
        if chardev and chardev.startswith("socket"):
            opts = dict(kv.split("=", 1) for kv in chardev.split(",")[1:] if "=" in kv)
            if "port" in opts:
                srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                srv.bind((opts.get("host", "127.0.0.1"), int(opts["port"])))
            else:
                srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                srv.bind(opts["path"])
            srv.listen(1)
            self.sock, _ = srv.accept()
        elif chardev:
            self.eol = b"\r\n"  # QEMU's stdio chardev keeps OPOST on
        self.buf = b""

    def write_line(self, text):
        data = text.encode("latin-1") + self.eol
        if self.sock:
            self.sock.sendall(data)
        else:
            os.write(1, data)

    def read_line(self):
        while b"\n" not in self.buf:
            chunk = self.sock.recv(4096) if self.sock else os.read(0, 4096)
            if not chunk:
                return None
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line[:-1] if line.endswith(b"\r") else line


def answer(ch, line, ram):
    """Answers one request line (bytes, no newline)."""
    if len(line) > 255:
        return ch.write_line("err TOO_LONG")
    if any(b < 0x20 or b > 0x7e for b in line):
        return ch.write_line("err BAD_ARG -- not printable")
    tokens = line.decode().split()
    if not tokens:
        return None
    cmd, args = tokens[0], tokens[1:]
    pages = ram // 4096
    if cmd == "info":
        keys = INFO_KEYS.format(pt=pages, pf=pages - 100)
        return ch.write_line(f"ok version=fake ram_base=0x40000000 ram_size={ram:#x} {keys}")
    if cmd == "help" and not args:
        for line in HELP:
            ch.write_line(line)
        return ch.write_line(f"ok count={len(HELP)}")
    if cmd == "help" and len(args) == 1 and "--fake-old-help" not in OPTS:
        usage = [line for line in HELP if line.startswith(f"- cmd={args[0]} ")]
        if not usage:
            return ch.write_line(f"err BAD_ARG -- unknown command {args[0]}")
        ch.write_line(usage[0])
        ch.write_line(f"- about -- what {args[0]} does")
        return ch.write_line("ok count=2")
    if cmd == "help":
        return ch.write_line("err BAD_ARG -- help takes no arguments")
    if cmd == "map" and len(args) != 4:
        return ch.write_line("err BAD_ARG -- map takes 4 arguments")
    if cmd == "pmm" and args[:1] == ["alloc"]:
        return ch.write_line("ok pa=0x40123000 count=1")
    if cmd == "as" and args == ["list"]:
        ch.write_line("- as=1 asid=0 gen=0 mapped=0 tables=0")
        return ch.write_line("ok count=1")
    if cmd == "peek" and len(args) == 1:
        va = int(args[0], 0)
        if va == 0x90000000:
            ch.write_line("! fault kind=data va=0x90000000 fsr=0x5 "
                          "status=translation_section access=read mode=kernel")
            return ch.write_line("err FAULT va=0x90000000 status=translation_section")
        return ch.write_line(f"ok va={va:#x} val=0x{va ^ 0xdeadbeef:x}")
    if cmd == "exit":
        sys.exit(int(args[0], 0) & 0xff if args else 0)
    if cmd == "panic":
        ch.write_line("! panic reason=test pc=0x80001234 r0=0x0")
        ch.write_line("  r1=0x1 r2=0x2")
        sys.exit(70)
    if cmd == "hang":
        time.sleep(3600)
    if cmd == "slow" and args:
        time.sleep(float(args[0]))
        return ch.write_line(f"ok slept={args[0]}")
    if cmd == "die":
        sys.exit(3)
    if cmd == "garbage":
        return ch.write_line("garbage")
    if cmd == "many" and args:
        n = int(args[0])
        for i in range(n):
            ch.write_line(f"- i={i}")
        return ch.write_line(f"ok count={n}")
    return ch.write_line(f"err BAD_COMMAND -- unknown command {cmd}")


def main(argv):
    ram, chardev, opts, delay = parse_args(argv)
    OPTS.update(opts)
    print("fake: starting", file=sys.stderr, flush=True)
    ch = Channel(chardev)
    time.sleep(delay)
    ch.write_line("fake boot: hello (not a reply line)")
    if "--fake-silent" in opts:
        time.sleep(3600)
    ch.write_line(f"ready version=fake ram_base=0x40000000 ram_size={ram:#x} cpus=1 "
                  f"pid={os.getpid()}")
    while True:
        line = ch.read_line()
        if line is None:
            return 0
        answer(ch, line, ram)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
