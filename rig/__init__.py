"""vmk's test rig: launch the kernel in QEMU (or the host simulator vmsim),
drive the command channel of shared/PROTOCOL.md, parse replies.

Modules: config (what to launch), launch (processes and channels), parse
(reply lines, transcripts), transcript (every byte logged), session (one
request at a time, watchdog, exceptions), commands (the grammar as data),
shell / script / bench (the `python3 -m rig` subcommands)."""
from .config import HostConfig, QemuConfig, TargetConfig, make_config
from .errors import (KernelPanic, LaunchError, ProtocolError, ReplyError, RigError,
                     RigTimeout, TargetDied)
from .parse import Fields, Line, Reply, parse_line, parse_transcript
from .session import Session, start

__all__ = [
    "HostConfig", "QemuConfig", "TargetConfig", "make_config",
    "RigError", "KernelPanic", "LaunchError", "ProtocolError", "ReplyError",
    "RigTimeout", "TargetDied",
    "Fields", "Line", "Reply", "parse_line", "parse_transcript",
    "Session", "start",
]
