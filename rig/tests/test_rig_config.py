"""rig/config.py: the exact command lines PROTOCOL.md prescribes."""
from pathlib import Path

import pytest

from rig.config import (REPO_ROOT, HostConfig, QemuConfig, format_mem, make_config,
                        parse_size)

BASELINE = ("qemu-system-arm -M virt -cpu cortex-a15 -m 256M -nodefaults -display none "
            "-kernel build/vmk.elf -chardev stdio,id=s0 "
            "-semihosting-config enable=on,target=native,chardev=s0")


def test_default_qemu_command_line_is_protocol_baseline():
    assert str(QemuConfig()) == BASELINE
    assert QemuConfig().argv() == BASELINE.split()


def test_socket_variant_replaces_only_the_chardev():
    cfg = QemuConfig().with_socket("/tmp/vmk-x/chan.sock")
    want = BASELINE.replace("stdio,id=s0",
                            "socket,id=s0,path=/tmp/vmk-x/chan.sock,server=on,wait=on")
    assert cfg.argv() == want.split()
    assert cfg.transport == "socket"


def test_cpu_mem_and_extra_args():
    cfg = QemuConfig(cpu="cortex-a7", mem="1G", extra_args=("-d", "guest_errors"))
    argv = cfg.argv()
    assert argv[argv.index("-cpu") + 1] == "cortex-a7"
    assert argv[argv.index("-m") + 1] == "1G"
    assert argv[-2:] == ["-d", "guest_errors"]
    assert cfg.ram_size == 1 << 30


@pytest.mark.parametrize("mem,size", [("64M", 64 << 20), ("256M", 256 << 20),
                                      ("1G", 1 << 30), ("512", 512 << 20)])
def test_ram_size_follows_qemu_m(mem, size):
    assert QemuConfig(mem=mem).ram_size == size


def test_bad_cpu_transport_or_mem_is_refused():
    with pytest.raises(ValueError):
        QemuConfig(cpu="cortex-a9")
    with pytest.raises(ValueError):
        QemuConfig(transport="serial")
    with pytest.raises(ValueError):
        QemuConfig(mem="lots")


def test_config_is_frozen():
    with pytest.raises(Exception):
        QemuConfig().cpu = "cortex-a7"  # type: ignore[misc]


def test_host_config_argv():
    assert str(HostConfig()) == "build/host/vmsim"
    assert HostConfig(ram=64 << 20).argv() == ["build/host/vmsim", "--ram", "67108864"]
    assert HostConfig().exec_argv()[0] == str(REPO_ROOT / "build/host/vmsim")
    assert HostConfig(ram=1 << 30).ram_size == 1 << 30 and HostConfig().ram_size == 256 << 20


def test_missing_reports_absent_files(tmp_path):
    cfg = QemuConfig(kernel=tmp_path / "none.elf", qemu="no-such-qemu-binary")
    assert len(cfg.missing()) == 2
    assert HostConfig(vmsim=tmp_path / "nope").missing()


def test_make_config_from_cli_options():
    q = make_config("qemu", cpu="cortex-a7", mem="64M", transport="socket")
    assert (q.cpu, q.mem, q.transport) == ("cortex-a7", "64M", "socket")
    h = make_config("host", mem="64M", vmsim=Path("/x/vmsim"))
    assert h.argv() == ["/x/vmsim", "--ram", str(64 << 20)]


@pytest.mark.parametrize("text,default,value", [("4K", "", 4096), ("0x1000", "", 4096),
                                                ("16M", "", 16 << 20), ("256", "M", 256 << 20)])
def test_parse_size(text, default, value):
    assert parse_size(text, default) == value


def test_format_mem():
    assert [format_mem(s) for s in (64 << 20, 1 << 30, 1536 << 20)] == ["64M", "1G", "1536M"]
