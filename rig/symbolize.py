"""Code addresses of a panic as function and source line.

    symbolize(elf, {"pc": 0x80012f40, "lr": 0x80012f4c})
      -> ["pc=0x80012f40 vm_map at kernel/mm/vm.c:120", "lr=0x80012f4c ..."]

It runs `arm-none-eabi-addr2line -f -e ELF` (binutils-arm-none-eabi, which
gcc-arm-none-eabi brings) on the ELF the rig launched; an address outside
the kernel's code (a user page, `exec` of a bad page) shows as `??`."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Mapping

ADDR2LINE = "arm-none-eabi-addr2line"
#: Registers of a `! panic` line that hold code addresses.
CODE_REGISTERS = ("pc", "lr")


def symbolize(elf: Path, addresses: Mapping[str, int], tool: str = ADDR2LINE) -> list[str]:
    """One line per register: `name=0x... function at file:line`."""
    if not addresses or shutil.which(tool) is None or not Path(elf).is_file():
        return []
    names = list(addresses)
    try:
        done = subprocess.run([tool, "-f", "-e", str(elf), *(hex(addresses[n]) for n in names)],
                              capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return []
    out = done.stdout.splitlines()
    lines = []
    for i, name in enumerate(names):
        func, where = (out[2 * i:2 * i + 2] + ["??", "??:0"])[:2]
        where = _relative(where)
        lines.append(f"{name}={addresses[name]:#x} {func} at {where}")
    return lines


def _relative(where: str) -> str:
    """file:line with the file made relative to the working directory."""
    path, _, line = where.rpartition(":")
    try:
        path = str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        pass
    return f"{path}:{line}" if path else where


def panic_addresses(lines) -> dict[str, int]:
    """pc and lr from a panic line's fields (and the lines after it)."""
    found: dict[str, int] = {}
    for line in lines:
        for token in str(line).split():
            key, eq, value = token.partition("=")
            if eq and key in CODE_REGISTERS and key not in found:
                try:
                    found[key] = int(value, 0)
                except ValueError:
                    pass
    return found
