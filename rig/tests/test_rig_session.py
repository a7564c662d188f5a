"""rig/session.py and rig/launch.py against rig/tests/fake_target.py, a tiny
stand-in that speaks the channel protocol (as vmsim, and as QEMU over a
pty or a unix socket)."""
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from rig import (HostConfig, KernelPanic, LaunchError, ProtocolError, QemuConfig,
                 ReplyError, RigTimeout, Session, TargetDied)

FAKE = Path(__file__).resolve().parent / "fake_target.py"
REPO = Path(__file__).resolve().parents[2]


def fake_config(kind: str, transport: str, *extra: str):
    if kind == "host":
        return HostConfig(vmsim=FAKE, transport=transport, extra_args=extra)
    return QemuConfig(qemu=str(FAKE), kernel=FAKE, transport=transport, extra_args=extra)


VARIANTS = [("host", "stdio"), ("host", "socket"), ("qemu", "stdio"), ("qemu", "socket"),
            ("qemu", "tcp")]


@pytest.fixture(params=VARIANTS, ids=["-".join(v) for v in VARIANTS])
def variant(request):
    return request.param


@pytest.fixture
def fake(variant):
    s = Session(fake_config(*variant), request_timeout=5, boot_timeout=5)
    s.start()
    yield s
    s.stop()


def gone(pid: int, wait: float = 3.0) -> bool:
    """True once `pid` no longer runs (absent, or a zombie)."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as f:
                if f.read().split(") ", 1)[1].startswith("Z"):
                    return True
        except FileNotFoundError:
            return True
        time.sleep(0.01)
    return False


def test_ready_is_parsed_and_boot_lines_kept(fake):
    assert fake.ready.int("ram_base") == 0x40000000
    assert fake.ready["version"] == "fake"
    assert fake.boot_lines == ["fake boot: hello (not a reply line)"]


def test_request_returns_the_final_line_fields(fake):
    r = fake.request("info")
    assert r.ok and r.int("heap_base") == 0xc0000000 and r["version"] == "fake"


def test_records_events_and_error_text(fake):
    assert [rec["cmd"] for rec in fake.request("help").records][:3] == ["help", "info", "exit"]
    r = fake.request("peek 0x90000000")
    assert r.code == "FAULT" and r.events[0]["status"] == "translation_section"
    r = fake.request("frob")
    assert r.code == "BAD_COMMAND" and r.text == "unknown command frob"


def test_a_long_list_reply_is_read_whole(fake):
    r = fake.request("many 3000")
    assert len(r.records) == 3000 and r.records[-1].int("i") == 2999


def test_line_without_tokens_gets_no_reply(fake):
    fake.send_silent(b"")
    fake.send_silent(b"   ")
    assert fake.request("info").ok
    assert fake.request("peek 0x10")["val"] == hex(0x10 ^ 0xdeadbeef)


def test_raw_request_with_crlf(fake):
    assert fake.request_raw(b"info\r\n").ok


def test_request_refuses_two_lines(fake):
    with pytest.raises(ValueError):
        fake.request("info\ninfo")


def test_ok_and_err_helpers(fake):
    with pytest.raises(ReplyError) as e:
        fake.ok("frob")
    assert e.value.reply.code == "BAD_COMMAND"
    assert fake.err("frob", "BAD_COMMAND").code == "BAD_COMMAND"
    with pytest.raises(ReplyError):
        fake.err("info")


@pytest.mark.parametrize("code,status", [(None, 0), (0, 0), (3, 3), (300, 44)])
def test_exit_returns_the_process_status(variant, code, status):
    with Session(fake_config(*variant)) as s:
        assert s.exit(code) == status
        assert not s.alive


def test_panic_raises_with_exit_status_and_following_lines(fake):
    with pytest.raises(KernelPanic) as e:
        fake.request("panic")
    assert e.value.exit_status == 70
    assert e.value.panic.name == "panic" and e.value.panic.int("pc") == 0x80001234
    assert e.value.lines == ["  r1=0x1 r2=0x2"]
    assert "> panic" in e.value.tail and fake.history[-1].crashed


def test_dead_target_raises_target_died_with_status(fake):
    with pytest.raises(TargetDied) as e:
        fake.request("die")
    assert e.value.exit_status == 3 and not isinstance(e.value, KernelPanic)
    assert "> die" in str(e.value)
    assert fake.history[-1].status == "crashed"


def test_line_that_is_no_reply_raises_protocol_error_and_kills(fake):
    pid = fake.link.pid
    with pytest.raises(ProtocolError) as e:
        fake.request("garbage")
    assert e.value.line == "garbage"
    assert gone(pid)


def test_hung_target_times_out_and_is_killed(fake):
    pid = fake.link.pid
    t0 = time.monotonic()
    with pytest.raises(RigTimeout) as e:
        fake.request("hang", timeout=0.3)
    assert 0.3 <= time.monotonic() - t0 < 3
    assert "> hang" in e.value.tail
    assert gone(pid)


def test_silent_boot_times_out_and_is_killed(variant):
    s = Session(fake_config(*variant, "--fake-silent"), boot_timeout=0.5)
    with pytest.raises(RigTimeout):
        s.start()
    assert gone(s.link.pid)
    assert s.boot_lines == ["fake boot: hello (not a reply line)"]


def test_missing_binary_is_a_launch_error(tmp_path):
    with pytest.raises(LaunchError):
        Session(HostConfig(vmsim=tmp_path / "vmsim")).start()
    with pytest.raises(LaunchError):
        Session(QemuConfig(kernel=tmp_path / "vmk.elf")).start()


def test_stop_kills_the_process_group(fake):
    pid = fake.link.pid
    assert fake.ready.int("pid") == pid
    assert fake.stop() == -signal.SIGKILL
    assert gone(pid)
    assert not fake.link.workdir.exists()


def test_transcript_has_every_byte_both_ways(fake):
    fake.request_raw(b"info\x01\r\n")
    fake.request("info")
    assert fake.transcript.raw(">") == b"info\x01\r\ninfo\n"
    received = fake.transcript.raw("<")
    assert received.startswith(b"fake boot: hello") and b"err BAD_ARG" in received
    assert "> info\\x01\\r" in fake.tail()


def test_transcript_log_file_is_written_as_lines_arrive(variant, tmp_path):
    log = tmp_path / "t.log"
    with Session(fake_config(*variant), log=log) as s:
        s.request("info")
        text = log.read_text()
    assert "> info" in text and "< ok version=fake" in text


def test_socket_transport_uses_a_unix_socket():
    with Session(fake_config("qemu", "socket")) as s:
        assert "path=/tmp/vmk-" in str(s.link.config)
        assert s.request("info").ok


def _orphan_script(mode: str) -> str:
    return textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(REPO)!r})
        from rig import Session, HostConfig
        s = Session(HostConfig(vmsim={str(FAKE)!r}))
        s.start()
        print(s.link.pid, s.link.workdir, flush=True)
        if {mode!r} == "sleep":
            time.sleep(60)
    """)


def test_no_target_survives_interpreter_exit():
    out = subprocess.run([sys.executable, "-c", _orphan_script("exit")],
                         capture_output=True, text=True, timeout=20)
    pid, workdir = out.stdout.split()
    assert gone(int(pid))
    assert not Path(workdir).exists()


def test_no_target_survives_a_killed_rig():
    p = subprocess.Popen([sys.executable, "-c", _orphan_script("sleep")],
                         stdout=subprocess.PIPE, text=True)
    pid, workdir = p.stdout.readline().split()
    p.kill()
    p.wait()
    assert gone(int(pid))
    shutil.rmtree(workdir)  # nobody was left to remove it
