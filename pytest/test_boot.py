"""Boot: the `ready` line, `info`, exit codes, and the exact command lines
of PROTOCOL.md ("Starting it", "Boot") on QEMU and on vmsim."""
import subprocess

import pytest

from rig.config import CPUS, RAM_BASE, parse_size

INFO_KEYS = ("version", "ram_base", "ram_size", "pages_total", "pages_free", "as",
             "asid", "asid_gen", "heap_base", "heap_top", "mmio_floor", "mmio_top")
READY_KEYS = ("version", "ram_base", "ram_size", "cpus")
HEAP_BASE = 0xC0000000
MMIO_TOP = 0xFFF00000
PAGE = 4096


def check_ready(ready, ram_size: int) -> None:
    """The ready line of a target with `ram_size` bytes of RAM."""
    assert list(ready.fields)[:4] == list(READY_KEYS), ready.raw
    assert ready["version"] != ""
    assert ready.int("ram_base") == RAM_BASE
    assert ready.int("ram_size") == ram_size
    assert ready.int("cpus") == 1


def check_info(info, ready, ram_size: int) -> None:
    """`info` right after boot, on a target with `ram_size` bytes of RAM."""
    assert info.ok, info.final.raw
    missing = [k for k in INFO_KEYS if k not in info.fields]
    assert not missing, f"info lacks {missing}: {info.final.raw}"
    assert info["version"] == ready["version"]
    assert info.int("ram_base") == RAM_BASE
    assert info.int("ram_size") == ram_size
    assert info.int("pages_total") == ram_size // PAGE
    assert 0 < info.int("pages_free") < info.int("pages_total")
    assert info.int("as") == 1
    assert 0 <= info.int("asid") <= 255
    info.int("asid_gen")
    assert info.int("heap_base") == HEAP_BASE
    assert info.int("mmio_top") == MMIO_TOP
    assert HEAP_BASE <= info.int("heap_top") <= info.int("mmio_floor") <= MMIO_TOP


# ------------------------------------------------------------------ ready

@pytest.mark.qemu
@pytest.mark.parametrize("cpu", CPUS)
@pytest.mark.parametrize("mem", ["64M", "256M", "1G"])
def test_qemu_boots_to_ready_with_ram_of_minus_m(launch, cpu, mem):
    s = launch("qemu", cpu=cpu, mem=mem)
    check_ready(s.ready, parse_size(mem))
    check_info(s.request("info"), s.ready, parse_size(mem))
    assert s.request("check").ok


@pytest.mark.host
@pytest.mark.parametrize("ram", [64 << 20, 256 << 20, 1 << 30])
def test_vmsim_boots_to_ready_with_ram_of_option(launch, ram):
    s = launch("host", ram=ram)
    check_ready(s.ready, ram)
    check_info(s.request("info"), s.ready, ram)
    assert s.request("check").ok


@pytest.mark.host
def test_vmsim_default_ram_is_256m(launch):
    s = launch("host", ram=None)
    check_ready(s.ready, 256 << 20)


def test_nothing_before_ready_looks_like_a_reply_line(target):
    # The session refuses reply lines before ready (ProtocolError); the
    # lines it kept as boot output are, by construction, no reply lines.
    from rig.parse import parse_line
    assert all(parse_line(line) is None for line in target.boot_lines)


def test_info_agrees_with_pmm_stats(target):
    info = target.ok("info")
    stats = target.ok("pmm stats")
    assert stats.int("total") == info.int("pages_total")
    assert stats.int("free") == info.int("pages_free")
    parts = ("free", "tables", "heap", "frames", "kernel")
    assert sum(stats.int(k) for k in parts) == stats.int("total")


def test_info_is_stable_across_requests(target):
    first = target.ok("info")
    assert target.ok("info").fields == first.fields


# -------------------------------------------------------------- exit codes

@pytest.mark.parametrize("code,status", [(None, 0), (0, 0), (3, 3), (255, 255), (300, 300 & 0xFF)])
def test_exit_code_becomes_the_process_exit_status(target, code, status):
    assert target.exit(code) == status


@pytest.mark.parametrize("line", ["exit 0x100000000", "exit 1 2", "exit x", "exit -1"])
def test_exit_with_a_malformed_code_is_bad_arg_and_keeps_running(target, line):
    assert target.request(line).code == "BAD_ARG"
    assert target.request("info").ok


# --------------------------------------------------------- plain pipelines

def _pipe(command: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run(f"printf 'info\\nexit 7\\n' | {command}", shell=True, cwd=cwd,
                          capture_output=True, timeout=30)


def check_pipe_output(out: subprocess.CompletedProcess, ram_size: int) -> None:
    """ready, then one ok with every info key, then exit status 7."""
    from rig.parse import READY, parse_line
    lines = out.stdout.decode("latin-1").replace("\r\n", "\n").splitlines()
    parsed = [parse_line(line) for line in lines]
    kinds = [p.kind for p in parsed if p is not None]
    assert kinds == [READY, "ok"], lines
    ready, info = [p for p in parsed if p is not None]
    assert ready.int("ram_size") == ram_size
    assert all(k in info.fields for k in INFO_KEYS), info.raw
    assert out.returncode == 7, out.stderr


@pytest.mark.qemu
def test_printf_pipe_into_qemu_answers_info_and_exits_7(qemu_config):
    config = qemu_config.replace(transport="stdio")
    if config.missing():
        pytest.fail("; ".join(config.missing()))
    check_pipe_output(_pipe(str(config), config.cwd), config.ram_size)


@pytest.mark.host
def test_printf_pipe_into_vmsim_answers_info_and_exits_7(host_config):
    if host_config.missing():
        pytest.fail("; ".join(host_config.missing()))
    check_pipe_output(_pipe(str(host_config), host_config.cwd), host_config.ram_size)


# ---------------------------------------------------------------- sockets

@pytest.mark.qemu
def test_qemu_boots_and_answers_over_a_unix_socket(launch):
    s = launch("qemu", transport="socket")
    assert "socket,id=s0,path=" in str(s.link.config)
    check_ready(s.ready, s.config.ram_size)
    check_info(s.request("info"), s.ready, s.config.ram_size)
    assert s.exit(5) == 5


@pytest.mark.host
def test_vmsim_answers_over_a_unix_socket(launch):
    s = launch("host", transport="socket")
    check_info(s.request("info"), s.ready, s.config.ram_size)
    assert s.exit(5) == 5
