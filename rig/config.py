"""Configuration of a target: what to launch and how, nothing else.

One frozen dataclass per kind of target. Each gives the exact argv it runs
(`argv()`), and `str()` prints it as a shell command line that can be pasted
into a terminal in the repository root. Launching lives in rig/launch.py,
reading replies in rig/session.py.

    QemuConfig()   ->  qemu-system-arm -M virt -cpu cortex-a15 -m 256M
                       -nodefaults -display none -kernel build/vmk.elf
                       -chardev stdio,id=s0
                       -semihosting-config enable=on,target=native,chardev=s0
    HostConfig()   ->  build/host/vmsim
    AttachConfig("tcp:HOST:PORT")   a target something else started (no argv)

`REPO_ROOT` is where relative paths (build/vmk.elf) are resolved: $VMK_ROOT,
else the checkout rig/ lives in, else the current directory (a pip-installed
rig run from a checkout).
"""
from __future__ import annotations

import dataclasses
import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Union

import os


def _repo_root() -> Path:
    env = os.environ.get("VMK_ROOT")
    if env:
        return Path(env).resolve()
    here = Path(__file__).resolve().parent.parent
    if (here / "kernel").is_dir() or (here / "build").is_dir():
        return here
    return Path.cwd()


#: The repository root: rig/ lives directly under it (see the module doc).
REPO_ROOT = _repo_root()

DEFAULT_KERNEL = Path("build/vmk.elf")
DEFAULT_VMSIM = Path("build/host/vmsim")
QEMU_BINARY = "qemu-system-arm"

CPUS = ("cortex-a15", "cortex-a7")
TRANSPORTS = ("stdio", "socket", "tcp")
RAM_BASE = 0x40000000
#: What PROTOCOL.md promises to boot with (-m 64M .. 1G).
MEM_MIN = 64 << 20
MEM_MAX = 1 << 30

_SIZE_RE = re.compile(r"^(0x[0-9a-fA-F]+|[0-9]+)([KMG]?)$")
_SHIFT = {"": 0, "K": 10, "M": 20, "G": 30}

PathLike = Union[str, Path]


def parse_size(text: str, default_unit: str = "") -> int:
    """Bytes in `text`: decimal or 0x hex with an optional K, M or G suffix.

    `default_unit` applies when there is no suffix (QEMU's -m means MiB)."""
    m = _SIZE_RE.match(text.strip())
    if not m:
        raise ValueError(f"not a size: {text!r}")
    value = int(m.group(1), 0)
    return value << _SHIFT[m.group(2) or default_unit]


def format_mem(size: int) -> str:
    """The shortest QEMU -m spelling of `size` bytes (256M, 1G, ...)."""
    for suffix, shift in (("G", 30), ("M", 20), ("K", 10)):
        if size and size % (1 << shift) == 0:
            return f"{size >> shift}{suffix}"
    return str(size)


def _resolve(path: Path, cwd: Path) -> Path:
    """`path` made absolute against `cwd` (unchanged if already absolute)."""
    return path if path.is_absolute() else cwd / path


@dataclass(frozen=True)
class QemuConfig:
    """How to boot build/vmk.elf in QEMU (PROTOCOL.md "Starting it").

    Relative paths are relative to `cwd`, the directory QEMU runs in (the
    repository root by default), so that str() matches PROTOCOL.md."""

    kernel: Path = DEFAULT_KERNEL
    cpu: str = "cortex-a15"
    mem: str = "256M"
    transport: str = "stdio"
    socket_path: Optional[Path] = None
    extra_args: tuple[str, ...] = ()
    qemu: str = QEMU_BINARY
    cwd: Path = REPO_ROOT
    #: TCP transport: where QEMU listens (port None: launch picks a free one).
    host: str = "127.0.0.1"
    port: Optional[int] = None
    #: CPUs (-smp; PROTOCOL.md "Multiple CPUs": 1..4); 1 adds nothing.
    cpus: int = 1

    kind = "qemu"

    def __post_init__(self) -> None:
        object.__setattr__(self, "kernel", Path(self.kernel))
        object.__setattr__(self, "cwd", Path(self.cwd))
        object.__setattr__(self, "extra_args", tuple(self.extra_args))
        if self.socket_path is not None:
            object.__setattr__(self, "socket_path", Path(self.socket_path))
        if self.cpu not in CPUS:
            raise ValueError(f"cpu {self.cpu!r} is not one of {CPUS}")
        if self.transport not in TRANSPORTS:
            raise ValueError(f"transport {self.transport!r} is not one of {TRANSPORTS}")
        parse_size(self.mem, "M")  # raises on a malformed -m

    @property
    def ram_size(self) -> int:
        """Bytes of RAM that -m gives the guest."""
        return parse_size(self.mem, "M")

    def chardev(self) -> str:
        """The -chardev argument: stdio, a unix socket server QEMU waits on
        (`<file>` stands for a socket path not chosen yet: launch picks one),
        or a TCP server (`<port>` likewise)."""
        if self.transport == "stdio":
            return "stdio,id=s0"
        if self.transport == "tcp":
            port = self.port if self.port is not None else "<port>"
            return f"socket,id=s0,host={self.host},port={port},server=on,wait=on,nodelay=on"
        path = self.socket_path if self.socket_path is not None else "<file>"
        return f"socket,id=s0,path={path},server=on,wait=on"

    def argv(self) -> list[str]:
        """The exact argv that launches this configuration."""
        return [
            self.qemu, "-M", "virt", "-cpu", self.cpu, "-m", self.mem,
            "-nodefaults", "-display", "none", "-kernel", str(self.kernel),
            "-chardev", self.chardev(),
            "-semihosting-config", "enable=on,target=native,chardev=s0",
            *(["-smp", str(self.cpus)] if self.cpus != 1 else []),
            *self.extra_args,
        ]

    def with_socket(self, path: PathLike) -> "QemuConfig":
        """This configuration over a unix socket at `path`."""
        return dataclasses.replace(self, transport="socket", socket_path=Path(path))

    def with_port(self, port: int) -> "QemuConfig":
        """This configuration over TCP on `port`."""
        return dataclasses.replace(self, transport="tcp", port=int(port))

    def replace(self, **changes) -> "QemuConfig":
        """A copy with `changes` applied (dataclasses.replace)."""
        return dataclasses.replace(self, **changes)

    def missing(self) -> list[str]:
        """What is needed to launch and is not there (empty when all is)."""
        from shutil import which
        out = []
        if which(self.qemu) is None and not Path(self.qemu).is_file():
            out.append(f"{self.qemu} (not on PATH; Debian package qemu-system-arm)")
        kernel = _resolve(self.kernel, self.cwd)
        if not kernel.is_file():
            out.append(f"{kernel} (run `make build/vmk.elf`)")
        return out

    def __str__(self) -> str:
        return shlex.join(self.argv())


@dataclass(frozen=True)
class HostConfig:
    """How to start the host simulator build/host/vmsim (stdin/stdout).

    With transport "socket", vmsim's stdin and stdout are one end of a unix
    socketpair instead of a pty, to measure and test that path too."""

    vmsim: Path = DEFAULT_VMSIM
    ram: Optional[int] = None
    transport: str = "stdio"
    extra_args: tuple[str, ...] = ()
    cwd: Path = REPO_ROOT
    #: Simulated CPUs (vmsim --cpus, 1..4); 1 adds nothing.
    cpus: int = 1

    kind = "host"

    def __post_init__(self) -> None:
        object.__setattr__(self, "vmsim", Path(self.vmsim))
        object.__setattr__(self, "cwd", Path(self.cwd))
        object.__setattr__(self, "extra_args", tuple(self.extra_args))
        if self.transport not in ("stdio", "socket"):
            raise ValueError(f"vmsim transport {self.transport!r} is not stdio or socket")

    @property
    def ram_size(self) -> int:
        """Bytes of simulated RAM (vmsim's default is 256M)."""
        return self.ram if self.ram is not None else 256 << 20

    def argv(self) -> list[str]:
        """The exact argv that launches this configuration."""
        ram = ["--ram", str(self.ram)] if self.ram is not None else []
        cpus = ["--cpus", str(self.cpus)] if self.cpus != 1 else []
        return [str(self.vmsim), *self.extra_args, *ram, *cpus]

    def exec_argv(self) -> list[str]:
        """argv with the program made absolute (it runs in `cwd`)."""
        argv = self.argv()
        argv[0] = str(_resolve(self.vmsim, self.cwd))
        return argv

    def replace(self, **changes) -> "HostConfig":
        """A copy with `changes` applied (dataclasses.replace)."""
        return dataclasses.replace(self, **changes)

    def missing(self) -> list[str]:
        """What is needed to launch and is not there (empty when all is)."""
        path = _resolve(self.vmsim, self.cwd)
        return [] if path.is_file() else [f"{path} (run `make build/host/vmsim`)"]

    def __str__(self) -> str:
        return shlex.join(self.argv())


def parse_address(text: str) -> tuple[str, Union[str, tuple[str, int]]]:
    """`tcp:HOST:PORT` or `unix:PATH` as ("tcp", (host, port)) or ("unix", path)."""
    scheme, sep, rest = text.partition(":")
    if scheme == "unix" and sep and rest:
        return "unix", rest
    if scheme == "tcp" and sep:
        host, sep2, port = rest.rpartition(":")
        if sep2 and port.isdigit() and 0 < int(port) < 65536:
            return "tcp", (host.strip("[]") or "127.0.0.1", int(port))
    raise ValueError(f"not an address: {text!r} (tcp:HOST:PORT or unix:PATH)")


@dataclass(frozen=True)
class AttachConfig:
    """A target that something else started (a QEMU on another machine, a
    board whose debugger carries semihosting over TCP): the rig connects to
    `address` and launches nothing. `kind` says which suites apply ("qemu":
    a kernel). `reset`, if given, is a QEMU monitor (`-monitor
    tcp:HOST:PORT,server=on,wait=off`) the rig sends `system_reset` to
    before each session, so that every session starts on a fresh kernel;
    without it the session takes the kernel in whatever state it is."""

    address: str
    reset: Optional[str] = None
    kind: str = "qemu"
    transport: str = "attach"
    #: RAM the target reports; known once attached (for suites' ram_size).
    mem: str = "256M"
    #: The ELF the target runs, as built here (panics are symbolized with
    #: it; suites that read the kernel image read it).
    kernel: Path = DEFAULT_KERNEL
    cwd: Path = REPO_ROOT

    def __post_init__(self) -> None:
        parse_address(self.address)
        if self.reset is not None:
            parse_address(self.reset)

    @property
    def ram_size(self) -> int:
        return parse_size(self.mem, "M")

    def argv(self) -> list[str]:
        return []

    def replace(self, **changes) -> "AttachConfig":
        return dataclasses.replace(self, **changes)

    def missing(self) -> list[str]:
        return []

    def __str__(self) -> str:
        extra = f" (reset by the monitor at {self.reset})" if self.reset else ""
        return f"attached to {self.address}{extra}"


TargetConfig = Union[QemuConfig, HostConfig, AttachConfig]


def make_config(kind: str, *, kernel: Optional[PathLike] = None,
                vmsim: Optional[PathLike] = None, cpu: str = "cortex-a15",
                mem: Optional[str] = None, transport: str = "stdio",
                qemu: str = QEMU_BINARY, extra_args: tuple = (),
                connect: Optional[str] = None, reset: Optional[str] = None) -> TargetConfig:
    """A configuration for `kind` ("qemu" or "host") from command-line style
    options; `mem` is QEMU's -m, or vmsim's --ram (a size, suffix allowed);
    `connect` (tcp:HOST:PORT, unix:PATH) attaches instead of launching.
    ValueError, with a one-line message, for what makes no sense."""
    if mem is not None:
        size = parse_size(mem, "M")
        if kind == "qemu" and not MEM_MIN <= size <= MEM_MAX:
            raise ValueError(f"--mem {mem}: the kernel boots with 64M to 1G")
    if connect is not None:
        return AttachConfig(connect, reset=reset, kind=kind)
    if kind == "qemu":
        return QemuConfig(kernel=Path(kernel) if kernel else DEFAULT_KERNEL,
                          cpu=cpu, mem=mem or "256M", transport=transport, qemu=qemu,
                          extra_args=tuple(extra_args))
    if kind == "host":
        if transport == "tcp":
            raise ValueError("vmsim speaks on stdin/stdout: transport stdio or socket")
        return HostConfig(vmsim=Path(vmsim) if vmsim else DEFAULT_VMSIM,
                          ram=parse_size(mem, "M") if mem else None,
                          transport=transport, extra_args=tuple(extra_args))
    raise ValueError(f"unknown target kind {kind!r} (qemu or host)")


__all__ = ["QemuConfig", "HostConfig", "AttachConfig", "TargetConfig", "parse_address", "make_config", "parse_size",
           "format_mem", "REPO_ROOT", "RAM_BASE", "CPUS", "TRANSPORTS"]
