"""vmk's test rig: launch the kernel in QEMU (or the host simulator vmsim),
drive the command channel of shared/PROTOCOL.md, parse replies.

Modules, each the one home of what it names:
    config       what to launch (QEMU, vmsim) or attach to (--connect)
    launch       processes and byte channels (pty, unix socket, TCP)
    reply        reply lines: parse_line, Reply, HexInt
    transcript   every byte logged; escape/unescape; parse_transcript
    grammar      the command grammar, read from the kernel's `help`
    session      one request at a time, watchdog, exceptions
    symbolize    panic pc/lr to function:line (addr2line on the ELF)
    debug        `make debug`: QEMU under gdb, gdb-multiarch, a shell beside it
    pytest_plugin  options, fixtures, transcripts, JUnit properties
    shell / script / bench   the `python3 -m rig` subcommands
rig.parse and rig.commands are kept as aliases for older imports."""
from .config import AttachConfig, HostConfig, QemuConfig, TargetConfig, make_config
from .errors import (KernelPanic, LaunchError, ProtocolError, ReplyError, RigError,
                     RigTimeout, TargetDied)
from .reply import Fields, HexInt, Line, Reply, parse_line
from .transcript import ParsedTranscript, Transcript, parse_transcript
from .session import Session, start

__all__ = [
    "AttachConfig", "HostConfig", "QemuConfig", "TargetConfig", "make_config",
    "RigError", "KernelPanic", "LaunchError", "ProtocolError", "ReplyError",
    "RigTimeout", "TargetDied",
    "Fields", "HexInt", "Line", "Reply", "parse_line", "ParsedTranscript", "Transcript",
    "parse_transcript",
    "Session", "start",
]
