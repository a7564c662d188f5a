"""PROTOCOL 1.1 line ends: `\\r` ends a line as `\\n` does (a terminal's Enter
sends `\\r`), and `\\r\\n` is one line end, not two. On both targets, each
request is followed by a probe whose reply must be its own: a request that
was answered twice, or an empty line that was answered, shows up there."""
import pytest

from rig.parse import Exchange

PROBE = "translate 0x80000000"


def send(s, data: bytes) -> None:
    """Sends bytes exactly as they are (no line end added)."""
    s._send(data)


def reply(s, what: str):
    """The next reply on the channel (to bytes sent with send())."""
    exchange = Exchange(what)
    s.history.append(exchange)
    return s._collect(exchange, None, None)


def probe(s) -> None:
    """The next reply is the probe's own: nothing was left unread."""
    r = s.request(PROBE)
    assert r.ok and r.int("pa") == 0x40000000 and r["size"] == "0x100000", r.final.raw


@pytest.mark.parametrize("ending", [b"\r", b"\r\n", b"\r\r", b"\r\r\n", b"\n\r"],
                         ids=["cr", "crlf", "cr_cr", "cr_crlf", "lf_cr"])
def test_request_gets_one_reply_at_once(shared_target, ending):
    r"""`\r` and `\r\n` end one request, answered without waiting for more
    bytes; `\r\r`, `\r\r\n` and `\n\r` are a request and an empty line
    (no reply)."""
    s = shared_target
    send(s, b"peek 0x80000000" + ending)
    r = reply(s, "peek 0x80000000" + repr(ending))
    assert r.ok and r.int("va") == 0x80000000, r.final.raw
    probe(s)


def test_cr_inside_a_line_splits_it_in_two_requests(shared_target):
    s = shared_target
    send(s, b"info\rx\n")
    first = reply(s, "info")
    assert first.ok and "version" in first, first.final.raw
    second = reply(s, "x")
    assert second.code == "BAD_COMMAND", second.final.raw
    probe(s)


@pytest.mark.parametrize("ending", [b"\r", b"\r\n", b"\n"], ids=["cr", "crlf", "lf"])
def test_too_long_line_drains_to_its_line_end(shared_target, ending):
    s = shared_target
    send(s, b"x" * 300 + ending + b"translate 0x80000000" + ending)
    r = reply(s, "x * 300")
    assert r.code == "TOO_LONG", r.final.raw
    r = reply(s, PROBE)
    assert r.ok and r.int("pa") == 0x40000000, r.final.raw
    probe(s)


def test_cr_lines_drive_a_session(shared_target):
    """A terminal's session: map, write, read back, unmap, each ended by Enter."""
    s = shared_target
    pa = s.ok("pmm alloc").int("pa")
    for line, want in [(f"map 0x300000 {pa:#x} 4K read,write", "ok"),
                       ("poke 0x300000 0x1234", "ok"), ("peek 0x300000", "ok"),
                       ("unmap 0x300000 4K", "ok"), (f"pmm free {pa:#x}", "ok")]:
        send(s, line.encode() + b"\r")
        r = reply(s, line)
        assert r.final.kind == want, (line, r.final.raw)
        if line.startswith("peek"):
            assert r.int("val") == 0x1234
    probe(s)
    assert s.request("check").ok


# ------------------------------------------------------- a real terminal

def _read_until(fd, want: bytes, deadline: float) -> bytes:
    import os
    import select
    import time
    got = b""
    while want not in got:
        left = deadline - time.monotonic()
        assert left > 0, f"no {want!r} from the terminal; got {got!r}"
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:   # the other side closed
                chunk = b""
            assert chunk, f"terminal closed before {want!r}; got {got!r}"
            got += chunk
    return got


@pytest.mark.qemu
def test_qemu_on_a_terminal_answers_enter(qemu_config):
    """PROTOCOL's own QEMU command line on a pty, as a person runs it: QEMU
    puts the terminal in raw mode, so Enter arrives as a lone '\\r'."""
    import os
    import pty
    import signal
    import subprocess
    import time
    missing = qemu_config.missing()
    if missing:
        pytest.fail("; ".join(missing), pytrace=False)
    argv = [qemu_config.qemu, "-M", "virt", "-cpu", qemu_config.cpu, "-m", qemu_config.mem,
            "-nodefaults", "-display", "none", "-kernel", str(qemu_config.kernel),
            "-chardev", "stdio,id=s0",
            "-semihosting-config", "enable=on,target=native,chardev=s0"]
    master, slave = pty.openpty()
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=subprocess.DEVNULL,
                            cwd=qemu_config.cwd, start_new_session=True)
    os.close(slave)
    try:
        deadline = time.monotonic() + 20
        _read_until(master, b"ready version=", deadline)
        os.write(master, b"translate 0x80000000\r")
        _read_until(master, b"ok va=0x80000000 pa=0x40000000", deadline)
        os.write(master, b"frob\r")
        _read_until(master, b"err BAD_COMMAND", deadline)
        os.write(master, b"exit 3\r")
        assert proc.wait(timeout=max(deadline - time.monotonic(), 1)) == 3
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        os.close(master)
