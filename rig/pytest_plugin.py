"""pytest plugin of vmk's rig: targets as fixtures, a transcript per test,
failures you can act on. Load it with `-p rig.pytest_plugin` or from a
conftest (`pytest_plugins = ["rig.pytest_plugin"]`, as pytest/conftest.py).

Options (group "vmk"):
    --target=host|qemu|both   which targets to run (default both)
    --kernel PATH --vmsim PATH --qemu-cpu CPU --qemu-mem SIZE
    --qemu-transport stdio|socket|tcp
    --qemu-arg ARG (repeatable) / --qemu-extra-args "ARGS"   more QEMU arguments
    --boot-timeout S --request-timeout S
    --connect tcp:HOST:PORT|unix:PATH   attach the qemu kind to a running
                   target instead of launching (repeatable: xdist worker N
                   takes the N-th, modulo); --connect-reset tcp:HOST:PORT a
                   QEMU monitor to `system_reset` before each session
    --vmk-runs N   per-run transcript folders to keep (default 5)

Fixtures:
    target         a started Session, parametrized over host and qemu (or
                   indirectly: `@pytest.mark.parametrize("target", ["host"],
                   indirect=True)`), fresh for each test, always stopped
    shared_target  one session per module and kind, for tests that change
                   no state; restarted if it died
    target_kind    "host" or "qemu" (module-scoped parameter)
    launch         factory: launch(kind, **config_changes) -> started Session
                   (skipped when --target excludes `kind`)
    qemu_config / host_config   what the options describe, to launch
    qemu_target / configs       what `target` runs: under --connect the
                   qemu kind is an AttachConfig
    check_after    what `target` runs after each test: the kernel's `check`
                   must still answer ok (`@pytest.mark.nocheck` opts out)

Markers: `host`, `qemu` (needs that target; skipped when --target excludes
it), `slow`, `nocheck`.

Every session's transcript goes to build/pytest-runs/<run>/<test>.txt (one
file per test, every session it used), with a replayable script of its
requests beside it (`<test>-<n>.rig`, for `python3 -m rig run`). A failing
test's report (terminal and build/junit.xml) ends with a `vmk` section: the
transcript path, the target's command line, its `ready` version, the
transcript's tail and a one-line repro; each JUnit testcase carries the
same as properties (transcript, target, version, script, repro; `_2`...
for a test's further sessions) and the transcript as system-out. Assertions on ints
show hex (pytest_assertrepr_compare).

Also collected: kernel/test/test_*.c (runs build/host/test_*) and each
file of fuzz/corpus/ (build/host/fuzz_replay FILE), so that C unit results
and the fuzz replay are JUnit testcases too (marked `host`: they run on the
host build, so `--target=qemu` skips them).
"""
from __future__ import annotations

import hashlib
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Iterator, Optional

import pytest

from .config import (CPUS, DEFAULT_KERNEL, DEFAULT_VMSIM, REPO_ROOT, AttachConfig, HostConfig,
                     QemuConfig, TargetConfig, parse_address)
from .session import DEFAULT_BOOT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT, Session

KINDS = ("host", "qemu")
RUNS_DIR = REPO_ROOT / "build" / "pytest-runs"
_SESSIONS = pytest.StashKey[list]()
_RUN_ENV = "VMK_PYTEST_RUN"
_RUN_KEY = pytest.StashKey[Path]()
HEX_FLOOR = 0x1000  # ints from here up are shown in hex too


# ------------------------------------------------------------------ options

def pytest_addoption(parser: pytest.Parser) -> None:
    g = parser.getgroup("vmk", "vmk targets")
    g.addoption("--target", choices=("host", "qemu", "both"), default="both",
                help="targets to run the suites on (default both)")
    g.addoption("--kernel", type=Path, default=None, help="kernel ELF (build/vmk.elf)")
    g.addoption("--vmsim", type=Path, default=None, help="host simulator (build/host/vmsim)")
    g.addoption("--qemu-cpu", choices=CPUS, default="cortex-a15")
    g.addoption("--qemu-mem", default="256M", help="QEMU -m (default 256M)")
    g.addoption("--qemu-transport", choices=("stdio", "socket", "tcp"), default="stdio")
    g.addoption("--qemu-arg", action="append", default=[], metavar="ARG",
                help="one more QEMU argument (repeatable)")
    g.addoption("--qemu-extra-args", default="", metavar="ARGS",
                help="more QEMU arguments, split like a shell does")
    g.addoption("--boot-timeout", type=float, default=DEFAULT_BOOT_TIMEOUT,
                help="seconds from launch to `ready`")
    g.addoption("--request-timeout", type=float, default=DEFAULT_REQUEST_TIMEOUT,
                help="seconds a request may take before the target is killed")
    g.addoption("--connect", action="append", default=[], metavar="ADDR",
                help="attach the qemu kind to a running target (tcp:HOST:PORT, "
                     "unix:PATH); repeat for several, one per xdist worker")
    g.addoption("--connect-reset", action="append", default=[], metavar="ADDR",
                help="QEMU monitor (tcp:HOST:PORT) of each --connect target: "
                     "system_reset before every session")
    g.addoption("--vmk-runs", type=int, default=5, help="transcript run folders to keep")


def pytest_configure(config: pytest.Config) -> None:
    for name, doc in (("qemu", "needs the QEMU target"), ("host", "needs vmsim"),
                      ("slow", "takes seconds rather than milliseconds"),
                      ("nocheck", "no `check` after the test (check_after)")):
        config.addinivalue_line("markers", f"{name}: {doc}")
    for addr in config.getoption("--connect") + config.getoption("--connect-reset"):
        try:
            parse_address(addr)
        except ValueError as e:
            raise pytest.UsageError(str(e))
    config.stash[_RUN_KEY] = _run_dir(config)


def _run_dir(config: pytest.Config) -> Path:
    """build/pytest-runs/<time>-<pid>: made once by the controller, shared
    with xdist workers through the environment; old runs pruned."""
    existing = os.environ.get(_RUN_ENV)
    if existing:
        return Path(existing)
    run = RUNS_DIR / f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}"
    run.mkdir(parents=True, exist_ok=True)
    os.environ[_RUN_ENV] = str(run)
    latest = RUNS_DIR / "latest"
    try:
        if latest.is_symlink() or latest.exists():
            latest.unlink()
        latest.symlink_to(run.name)
    except OSError:
        pass
    keep = max(1, config.getoption("--vmk-runs"))
    runs = sorted(p for p in RUNS_DIR.iterdir() if p.is_dir() and not p.is_symlink())
    for old in runs[:-keep]:
        shutil.rmtree(old, ignore_errors=True)
    return run


def selected_kinds(config: pytest.Config) -> tuple[str, ...]:
    """The target kinds --target asks for."""
    choice = config.getoption("--target")
    return KINDS if choice == "both" else (choice,)


def pytest_collection_modifyitems(config: pytest.Config, items: list) -> None:
    """Skips items whose host/qemu markers --target excludes."""
    chosen = set(selected_kinds(config))
    for item in items:
        kinds = {m.name for m in item.iter_markers() if m.name in KINDS}
        if kinds and not kinds & chosen:
            item.add_marker(pytest.mark.skip(
                reason=f"--target={config.getoption('--target')}"))


def _indirect_target(metafunc: pytest.Metafunc) -> bool:
    """True if the test parametrizes `target` itself (indirect=True)."""
    for mark in metafunc.definition.iter_markers("parametrize"):
        names = mark.args[0] if mark.args else mark.kwargs.get("argnames", "")
        if isinstance(names, str):
            names = [n.strip() for n in names.split(",")]
        if "target" in names:
            return True
    return False


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """`target_kind` over host and qemu for every test that uses it (or
    `target`), unless the test parametrizes `target` itself."""
    names = metafunc.fixturenames
    if "target" in names and _indirect_target(metafunc):
        return
    if "target" in names or "target_kind" in names:
        if "target_kind" not in names:
            names.append("target_kind")
        metafunc.parametrize(
            "target_kind", [pytest.param(k, marks=getattr(pytest.mark, k), id=k) for k in KINDS],
            indirect=True, scope="module")


# ----------------------------------------------------------- configurations

def _abs(path):
    return Path(path).resolve() if path is not None else None


def _worker_index() -> int:
    wid = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    return int(wid[2:]) if wid[2:].isdigit() else 0


@pytest.fixture(scope="session")
def qemu_target(pytestconfig: pytest.Config) -> TargetConfig:
    """What the qemu kind is: the QEMU the options describe, or under
    --connect the running target (an AttachConfig)."""
    o = pytestconfig.getoption
    connect = o("--connect")
    if connect:
        i = _worker_index() % len(connect)
        resets = o("--connect-reset")
        return AttachConfig(connect[i], reset=resets[i % len(resets)] if resets else None,
                            mem=o("--qemu-mem"),
                            kernel=_abs(o("--kernel")) or DEFAULT_KERNEL)
    return _qemu_config(pytestconfig)


@pytest.fixture(scope="session")
def qemu_config(pytestconfig: pytest.Config) -> QemuConfig:
    """The QEMU configuration the command line describes, for tests that
    launch QEMU themselves (skipped under --connect: nothing to launch)."""
    if pytestconfig.getoption("--connect"):
        pytest.skip("launches QEMU itself: the qemu kind is attached (--connect)")
    return _qemu_config(pytestconfig)


def _qemu_config(pytestconfig: pytest.Config) -> QemuConfig:
    o = pytestconfig.getoption
    extra = tuple(o("--qemu-arg")) + tuple(shlex.split(o("--qemu-extra-args")))
    return QemuConfig(kernel=_abs(o("--kernel")) or DEFAULT_KERNEL, cpu=o("--qemu-cpu"),
                      mem=o("--qemu-mem"), transport=o("--qemu-transport"),
                      extra_args=extra)


@pytest.fixture(scope="session")
def host_config(pytestconfig: pytest.Config) -> HostConfig:
    """The vmsim configuration the command line describes."""
    return HostConfig(vmsim=_abs(pytestconfig.getoption("--vmsim")) or DEFAULT_VMSIM)


@pytest.fixture(scope="session")
def configs(qemu_target: TargetConfig, host_config: HostConfig) -> dict:
    return {"qemu": qemu_target, "host": host_config}


def _session(config: pytest.Config, target: TargetConfig) -> Session:
    s = Session(target, request_timeout=config.getoption("--request-timeout"),
                boot_timeout=config.getoption("--boot-timeout"))
    if isinstance(target, AttachConfig):
        def exit(*args, **kw):
            pytest.skip("ends the target and reads its exit status: not for an attached "
                        "target (--connect)")
        s.exit = exit  # type: ignore[method-assign]
    return s


def _require(config: TargetConfig) -> None:
    """A missing binary fails the test (an error), with what to build."""
    missing = config.missing()
    if missing:
        pytest.fail(f"{config.kind} target missing: " + "; ".join(missing), pytrace=False)


class _Tracked:
    """A session a test used, and where its part of the transcript starts."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.mark = session.transcript.mark()
        self.history = len(session.history)
        self.shared = False


def _track(request: pytest.FixtureRequest, session: Session, shared: bool = False) -> None:
    """Remembers `session` on the test item, for its transcript and report."""
    tracked = _Tracked(session)
    tracked.shared = shared
    request.node.stash.setdefault(_SESSIONS, []).append(tracked)


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def target_kind(request: pytest.FixtureRequest) -> str:
    """"host" or "qemu": what `target` and `shared_target` run on."""
    return request.param


@pytest.fixture
def launch(request: pytest.FixtureRequest, configs: dict) -> Iterator[Callable[..., Session]]:
    """Factory: launch(kind, **changes) -> a started Session whose config is
    the default one of `kind` with `changes` applied; all stopped after.
    Skips the test when --target excludes `kind`, or when `kind` is
    attached (--connect): such tests boot, panic or exit targets of their own."""
    sessions: list[Session] = []
    chosen = selected_kinds(request.config)

    def _launch(kind: str, **changes) -> Session:
        if kind not in chosen:
            pytest.skip(f"launches {kind}: --target={request.config.getoption('--target')}")
        base = configs[kind]
        if isinstance(base, AttachConfig):
            pytest.skip(f"launches a {kind} target of its own: the {kind} kind is "
                        f"attached (--connect)")
        config = base.replace(**changes) if changes else base
        _require(config)
        session = _session(request.config, config)
        sessions.append(session)
        _track(request, session)
        session.start()
        return session

    yield _launch
    for session in sessions:
        session.stop()


@pytest.fixture
def target(request: pytest.FixtureRequest, configs: dict,
           check_after: Callable[[Session], None]) -> Iterator[Session]:
    """A fresh started session on `target_kind` (or on the kind the test
    parametrizes `target` with); after the test `check` must answer ok
    (check_after), then the session is stopped."""
    kind = getattr(request, "param", None) or request.getfixturevalue("target_kind")
    if kind not in KINDS:
        raise ValueError(f"target kind {kind!r} is not one of {KINDS}")
    if kind not in selected_kinds(request.config):
        pytest.skip(f"--target={request.config.getoption('--target')}")
    session = _session(request.config, configs[kind])
    _track(request, session)
    _require(session.config)
    try:
        session.start()
        yield session
        check_after(session)
    finally:
        session.stop()


class _Shared:
    """One session per module and kind, restarted when it died."""

    def __init__(self, pytest_config: pytest.Config, config: TargetConfig) -> None:
        self.pytest_config = pytest_config
        self.config = config
        self.session: Optional[Session] = None

    def get(self) -> Session:
        if self.session is None or not self.session.alive:
            if self.session is not None:
                self.session.stop()
            _require(self.config)
            self.session = _session(self.pytest_config, self.config)
            self.session.start()
        return self.session

    def stop(self) -> None:
        if self.session is not None:
            self.session.stop()


@pytest.fixture(scope="module")
def _shared_holder(request: pytest.FixtureRequest, target_kind: str,
                   configs: dict) -> Iterator[_Shared]:
    holder = _Shared(request.config, configs[target_kind])
    yield holder
    holder.stop()


@pytest.fixture
def shared_target(request: pytest.FixtureRequest, _shared_holder: _Shared) -> Iterator[Session]:
    """A started session shared by the module's tests on one kind: for
    tests that leave no state behind. Restarted if an earlier test killed it.
    An attached target takes one connection at a time, and `target` resets
    it: there each test gets its own session, stopped after it."""
    session = _shared_holder.get()
    _track(request, session, shared=not session.attached)
    yield session
    if session.attached:
        _shared_holder.stop()
        _shared_holder.session = None


@pytest.fixture
def check_after(request: pytest.FixtureRequest) -> Callable[[Session], None]:
    """What `target` does after its test, before it stops the session: the
    kernel's `check` must still answer ok (`@pytest.mark.nocheck` opts out).
    `target` requests it, so no suite needs to import it; it lives in the
    fixture's teardown because an autouse fixture is torn down after
    `target` has stopped the session (and so could never check)."""
    def run(s: Session) -> None:
        if request.node.get_closest_marker("nocheck") is not None or not s.alive:
            return
        r = s.request("check")
        assert r.ok, f"check after the scenario: {r.final.raw}"
    return run


# ----------------------------------------------- transcripts and repro scripts

def _safe(nodeid: str) -> str:
    """A file name for `nodeid`: its characters that are safe, cut to 120
    with a hash of the whole id when longer (long parameter ids)."""
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid).strip("_")
    if len(safe) <= 140:
        return safe
    return safe[:120] + "-" + hashlib.sha1(nodeid.encode()).hexdigest()[:10]


def _paths(item: pytest.Item) -> tuple[Path, Path]:
    run = item.config.stash[_RUN_KEY]
    base = run / _safe(item.nodeid)
    return base.with_name(base.name + ".txt"), base


def _script_line(request: str, status: str) -> Optional[str]:
    """A request as a `rig run` line that expects what it got, or None if
    the script syntax cannot carry it (bytes a line cannot hold)."""
    if not request.strip() or any(c < " " or c > "~" for c in request) or "#" in request:
        return None
    if status == "ok":
        return request
    if status.startswith("err "):
        return f"{request}  # expect {status}"
    return f"{request}  # (no reply: the target crashed here)"


def write_script(tracked: _Tracked, path: Path, nodeid: str) -> Path:
    """The session's requests during the test as a `python3 -m rig run`
    script, each expecting what it got, so a replay shows any change."""
    s = tracked.session
    lines = [f"# requests of {nodeid} on {s.kind}",
             f"# replay: python3 -m rig run {path} {_target_args(s.config)}"]
    if tracked.shared:
        lines.append("# (a shared session: the target had served earlier tests first)")
    for ex in s.history[tracked.history:]:
        line = _script_line(ex.request, ex.status)
        lines.append(line if line is not None else f"# not replayable: {ex.request!r}")
    path.write_text("\n".join(lines) + "\n")
    return path


def _target_args(config: TargetConfig) -> str:
    """The `python3 -m rig` options that give `config`."""
    if isinstance(config, AttachConfig):
        return f"--target {config.kind} --connect {config.address}" + (
            f" --connect-reset {config.reset}" if config.reset else "")
    if isinstance(config, HostConfig):
        args = ["--target", "host"]
        if Path(config.vmsim) != DEFAULT_VMSIM:
            args += ["--vmsim", str(config.vmsim)]
        if config.ram is not None:
            args += ["--mem", str(config.ram)]
        return shlex.join(args)
    args = ["--target", "qemu", "--cpu", config.cpu, "--mem", config.mem]
    if Path(config.kernel) != DEFAULT_KERNEL:
        args += ["--kernel", str(config.kernel)]
    if config.qemu != "qemu-system-arm":
        args += ["--qemu", config.qemu]
    if config.transport != "stdio":
        args += ["--transport", config.transport]
    for a in config.extra_args:
        args.append(f"--qemu-arg={a}")
    return shlex.join(args)


def repro_command(item: pytest.Item) -> str:
    """One line that runs this test again, as it ran."""
    kinds = {t.session.kind for t in item.stash.get(_SESSIONS, [])}
    args = [sys.executable.replace("/usr/bin/python3", "python3"), "-m", "pytest", item.nodeid]
    if len(kinds) == 1:
        args.append(f"--target={kinds.pop()}")
    o = item.config.getoption
    in_ini = " ".join(item.config.getini("addopts"))
    for p in getattr(item.config.option, "plugins", None) or ():
        if p.startswith("rig.") and p not in in_ini:
            args += ["-p", p]
    defaults = {"--qemu-cpu": "cortex-a15", "--qemu-mem": "256M", "--qemu-transport": "stdio"}
    for opt, default in defaults.items():
        if o(opt) != default:
            args.append(f"{opt}={o(opt)}")
    for opt in ("--kernel", "--vmsim"):
        if o(opt) is not None:
            args.append(f"{opt}={o(opt)}")
    for opt in ("--connect", "--connect-reset", "--qemu-arg"):
        for v in o(opt):
            args.append(f"{opt}={v}")
    if o("--qemu-extra-args"):
        args.append(f"--qemu-extra-args={o('--qemu-extra-args')}")
    return shlex.join(args)


def _write_transcripts(item: pytest.Item) -> list[tuple[_Tracked, Path]]:
    """The test's transcript file (every session it used) and one script
    per session; [(tracked, script path)]."""
    tracked = item.stash.get(_SESSIONS, [])
    if not tracked:
        return []
    txt, base = _paths(item)
    out, parts = [], []
    for n, t in enumerate(tracked, 1):
        s = t.session
        script = base.with_name(f"{base.name}-{n}.rig")
        try:
            write_script(t, script, item.nodeid)
        except OSError:
            script = None
        version = _version(s)
        parts.append(f"# session {n} of {item.nodeid}: {s.kind}, version {version}")
        parts.append(f"# command line: {s.config}")
        if t.shared:
            parts.append(f"# shared session: its lines from this test on")
        parts.extend(s.transcript.rendered(True, t.mark))
        out.append((t, script))
    try:
        txt.parent.mkdir(parents=True, exist_ok=True)
        txt.write_text("\n".join(parts) + "\n", encoding="ascii", errors="replace")
    except OSError:
        pass
    return out


def _version(s: Session) -> str:
    """The version the target's `ready` line gave ("?" before it came)."""
    return s.ready.get("version", "?") if s.ready is not None else "?"


def _vmk_section(item: pytest.Item) -> str:
    txt, base = _paths(item)
    lines = [f"transcript: {txt}"]
    for n, t in enumerate(item.stash.get(_SESSIONS, []), 1):
        s = t.session
        version = _version(s)
        lines.append(f"target {n}: {s.kind}, version {version}: {s.config}")
        lines.append(f"replay {n}: python3 -m rig run {base.name}-{n}.rig "
                     f"{_target_args(s.config)}   (in {txt.parent})")
        tail = s.transcript.rendered(False, t.mark)[-30:]
        if tail:
            lines.append(f"transcript tail {n} ({len(tail)} lines):")
            lines.extend("    " + line for line in tail)
    lines.append(f"repro: {repro_command(item)}")
    return "\n".join(lines)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call):
    """A failure's report ends with the `vmk` section; at teardown the
    transcript and scripts are written and the JUnit properties set."""
    if call.when == "teardown" and item.stash.get(_SESSIONS, []):
        written = _write_transcripts(item)
        txt, _ = _paths(item)
        item.user_properties.append(("transcript", str(txt)))
        for n, (t, script) in enumerate(written, 1):
            s = t.session
            suffix = "" if n == 1 else f"_{n}"
            item.user_properties.append((f"target{suffix}", f"{s.kind}: {s.config}"))
            item.user_properties.append((f"version{suffix}", _version(s)))
            if script is not None:
                item.user_properties.append((f"script{suffix}", str(script)))
        item.user_properties.append(("repro", repro_command(item)))
    outcome = yield
    report = outcome.get_result()
    if call.when == "teardown" and item.stash.get(_SESSIONS, []):
        # JUnit's system-out takes every "Captured stdout ..." section; the
        # terminal shows only sections named for the phase ("... teardown").
        try:
            report.sections.append(("Captured stdout vmk transcript",
                                    _paths(item)[0].read_text()))
        except OSError:
            pass
    if not report.failed or not item.stash.get(_SESSIONS, []) or call.when == "teardown":
        return
    section = _vmk_section(item)
    longrepr = report.longrepr
    if hasattr(longrepr, "addsection"):
        longrepr.addsection("vmk", section)
    elif isinstance(longrepr, str):
        report.longrepr = f"{longrepr}\n\n-- vmk --\n{section}"
    else:
        report.sections.append(("vmk", section))


# ------------------------------------------------------------ worker logs

def pytest_runtest_logreport(report) -> None:
    """One line per test in <run>/worker-<gwN>.log (xdist interleaves
    workers on the terminal; each log reads in order), and all of them in
    worker-all.log (worker-main.log without xdist)."""
    if report.when != "call" and not (report.failed or report.skipped):
        return
    run = os.environ.get(_RUN_ENV)
    if not run:
        return
    worker = os.environ.get("PYTEST_XDIST_WORKER") or (
        "all" if getattr(report, "node", None) is not None else "main")
    node = getattr(report, "node", None)
    where = f" [{node.gateway.id}]" if node is not None else ""
    line = f"{time.strftime('%H:%M:%S')}{where} {report.outcome.upper():7} {report.when:8} " \
           f"{report.duration:7.3f}s {report.nodeid}"
    props = dict(report.user_properties)
    if report.failed and "transcript" in props:
        line += f"\n    transcript {props['transcript']}"
    try:
        with open(Path(run) / f"worker-{worker}.log", "a") as f:
            f.write(line + "\n")
    except OSError:
        pass


# ------------------------------------------------------------ hex assertions

def _hexify(value, depth: int = 0):
    """A repr of `value` with every int >= HEX_FLOOR in hex."""
    if isinstance(value, bool):
        return repr(value)
    if isinstance(value, int):
        return hex(value) if abs(value) >= HEX_FLOOR else repr(int(value))
    if depth > 3:
        return repr(value)
    if isinstance(value, tuple):
        inner = ", ".join(_hexify(v, depth + 1) for v in value)
        return f"({inner}{',' if len(value) == 1 else ''})"
    if isinstance(value, list):
        return "[" + ", ".join(_hexify(v, depth + 1) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {_hexify(v, depth + 1)}" for k, v in value.items()) + "}"
    return repr(value)


def _has_big_int(value, depth: int = 0) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return abs(value) >= HEX_FLOOR
    if depth > 3:
        return False
    if isinstance(value, (tuple, list)):
        return any(_has_big_int(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return any(_has_big_int(v, depth + 1) for v in value.values())
    return False


def pytest_assertrepr_compare(config, op: str, left, right) -> Optional[list[str]]:
    """Comparisons that involve addresses print them in hex, with the
    differing positions of tuples and lists named."""
    if not (_has_big_int(left) or _has_big_int(right)):
        return None
    out = [f"{_hexify(left)} {op} {_hexify(right)}"]
    if isinstance(left, int) and isinstance(right, int) and not isinstance(left, bool):
        out.append(f"  in decimal: {int(left)} {op} {int(right)}; "
                   f"difference {int(left) - int(right):+#x}")
    elif isinstance(left, (tuple, list)) and isinstance(right, (tuple, list)):
        for i, (a, b) in enumerate(zip(left, right)):
            if a != b:
                out.append(f"  at index {i}: {_hexify(a)} != {_hexify(b)}")
        if len(left) != len(right):
            out.append(f"  lengths differ: {len(left)} != {len(right)}")
    elif isinstance(left, dict) and isinstance(right, dict):
        for k in sorted(set(left) | set(right), key=str):
            if left.get(k, object()) != right.get(k, object()):
                out.append(f"  [{k!r}]: {_hexify(left.get(k))} != {_hexify(right.get(k))}")
    return out


# ------------------------------------------ C unit tests and the fuzz replay

class _ProgramItem(pytest.Item):
    """Runs one program; fails on a non-zero exit, its output in the report."""

    def __init__(self, *, argv: list[str], build: str, **kw) -> None:
        super().__init__(**kw)
        self.argv = argv
        self.build = build
        self.add_marker(pytest.mark.host)  # programs of the host build

    def runtest(self) -> None:
        exe = REPO_ROOT / self.argv[0]
        if not exe.is_file():
            raise _ProgramFailed(f"{exe} is missing: run `{self.build}`")
        done = subprocess.run([str(exe), *self.argv[1:]], cwd=REPO_ROOT, capture_output=True,
                              text=True, errors="replace", timeout=300)
        self.add_report_section("call", "stdout", done.stdout)
        if done.stderr:
            self.add_report_section("call", "stderr", done.stderr)
        self.user_properties.append(("command", shlex.join(self.argv)))
        lines = done.stdout.splitlines()
        # kernel/test/unit.h prints `ok   name` / `FAIL name` per case and
        # `n/m tests passed`; the fuzz replay prints its own summary.
        summary = next((ln for ln in reversed(lines) if re.match(r"^\d+/\d+ tests passed$", ln)),
                       lines[-1] if lines else "")
        failed = [ln[5:] for ln in lines if ln.startswith("FAIL ")]
        self.user_properties.append(("result", summary))
        if failed:
            self.user_properties.append(("failed_cases", " ".join(failed)))
        if done.returncode != 0:
            tail = "\n".join((done.stdout + done.stderr).splitlines()[-30:])
            cases = f" (failed: {', '.join(failed)})" if failed else ""
            raise _ProgramFailed(f"{shlex.join(self.argv)} exited {done.returncode}{cases}\n{tail}")

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, _ProgramFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        # A line, not None: pytest's report of a skip by marker (a host
        # program under --target=qemu) needs one.
        return self.path, 0, f"{self.name}: {shlex.join(self.argv)}"


class _ProgramFailed(Exception):
    pass


class _UnitFile(pytest.File):
    """kernel/test/test_X.c: one item running build/host/test_X."""

    def collect(self):
        name = self.path.stem
        yield _ProgramItem.from_parent(self, name=name, argv=[f"build/host/{name}"],
                                       build=f"make build/host/{name}")


#: The replay program of each corpus folder (fuzz/corpus/<folder>/FILE);
#: files directly in fuzz/corpus/ and other folders go to fuzz_replay.
REPLAYERS = {"lines": "fuzz_line_replay"}


class _CorpusFile(pytest.File):
    """A file of fuzz/corpus/: one item replaying it (a finding exits non-zero)."""

    def collect(self):
        rel = self.path.resolve().relative_to(REPO_ROOT)
        folder = rel.parts[2] if len(rel.parts) > 3 else ""
        prog = REPLAYERS.get(folder, "fuzz_replay")
        yield _ProgramItem.from_parent(self, name="replay",
                                       argv=[f"build/host/{prog}", str(rel)],
                                       build=f"make build/host/{prog}")


def pytest_collect_file(file_path: Path, parent):
    try:
        rel = file_path.resolve().relative_to(REPO_ROOT)
    except ValueError:
        return None
    parts = rel.parts
    if parts[:2] == ("kernel", "test") and len(parts) == 3 and \
            file_path.name.startswith("test_") and file_path.suffix == ".c":
        return _UnitFile.from_parent(parent, path=file_path)
    if parts[:2] == ("fuzz", "corpus") and len(parts) in (3, 4) and \
            not any(p.startswith(".") for p in parts) and "README" not in file_path.name:
        return _CorpusFile.from_parent(parent, path=file_path)
    return None


__all__ = ["KINDS", "selected_kinds", "repro_command", "write_script", "check_after"]
