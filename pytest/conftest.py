"""Fixtures of vmk's pytest suites: targets from the rig, both kinds.

Options:
    --target=host|qemu|both   which targets to run (default both)
    --kernel PATH --vmsim PATH --qemu-cpu CPU --qemu-mem SIZE
    --qemu-transport stdio|socket

Fixtures:
    target         a started Session, parametrized over host and qemu,
                   fresh for each test (function scope), always stopped
    shared_target  the same, but one session per module and target kind,
                   for tests that change no state; restarted if it died
    target_kind    "host" or "qemu" (module-scoped parameter)
    launch         factory: launch(kind, **config_changes) -> started Session,
                   stopped at teardown (for -m 64M, cortex-a7, sockets, ...)
    qemu_config / host_config   the configurations the options describe

Markers: `host`, `qemu` (a test or parameter that needs that target;
skipped when --target excludes it), `slow`.

A missing binary (build/vmk.elf, build/host/vmsim, qemu-system-arm) is a
test error unless --target excludes its kind. When a test fails, the
transcript of each session it used is attached to the report and written
to build/pytest-transcripts/.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Callable, Iterator

import pytest

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from rig import HostConfig, QemuConfig, Session  # noqa: E402
from rig.config import CPUS, DEFAULT_KERNEL, DEFAULT_VMSIM, TargetConfig  # noqa: E402

KINDS = ("host", "qemu")
TRANSCRIPT_DIR = REPO / "build" / "pytest-transcripts"
_SESSIONS = pytest.StashKey[list]()


def pytest_addoption(parser: pytest.Parser) -> None:
    g = parser.getgroup("vmk", "vmk targets")
    g.addoption("--target", choices=("host", "qemu", "both"), default="both",
                help="targets to run the suites on (default both)")
    g.addoption("--kernel", type=Path, default=None, help="kernel ELF (build/vmk.elf)")
    g.addoption("--vmsim", type=Path, default=None, help="host simulator (build/host/vmsim)")
    g.addoption("--qemu-cpu", choices=CPUS, default="cortex-a15")
    g.addoption("--qemu-mem", default="256M", help="QEMU -m (default 256M)")
    g.addoption("--qemu-transport", choices=("stdio", "socket"), default="stdio")


def pytest_configure(config: pytest.Config) -> None:
    for name, doc in (("qemu", "needs the QEMU target"), ("host", "needs vmsim"),
                      ("slow", "takes seconds rather than milliseconds")):
        config.addinivalue_line("markers", f"{name}: {doc}")


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


# ----------------------------------------------------------- configurations

def _abs(path):
    return Path(path).resolve() if path is not None else None


@pytest.fixture(scope="session")
def qemu_config(pytestconfig: pytest.Config) -> QemuConfig:
    """The QEMU configuration the command line describes."""
    o = pytestconfig.getoption
    return QemuConfig(kernel=_abs(o("--kernel")) or DEFAULT_KERNEL, cpu=o("--qemu-cpu"),
                      mem=o("--qemu-mem"), transport=o("--qemu-transport"))


@pytest.fixture(scope="session")
def host_config(pytestconfig: pytest.Config) -> HostConfig:
    """The vmsim configuration the command line describes."""
    return HostConfig(vmsim=_abs(pytestconfig.getoption("--vmsim")) or DEFAULT_VMSIM)


@pytest.fixture(scope="session")
def configs(qemu_config: QemuConfig, host_config: HostConfig) -> dict:
    return {"qemu": qemu_config, "host": host_config}


def _start(config: TargetConfig) -> Session:
    """A started session; a missing binary fails the test (an error)."""
    missing = config.missing()
    if missing:
        pytest.fail(f"{config.kind} target missing: " + "; ".join(missing), pytrace=False)
    session = Session(config)
    session.start()
    return session


def _track(request: pytest.FixtureRequest, session: Session) -> None:
    """Remembers `session` on the test item, for the failure transcript."""
    node = request.node
    node.stash.setdefault(_SESSIONS, []).append(session)


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="module", params=[pytest.param(k, marks=getattr(pytest.mark, k), id=k)
                                        for k in KINDS])
def target_kind(request: pytest.FixtureRequest) -> str:
    """"host" or "qemu": what `target` and `shared_target` run on."""
    return request.param


@pytest.fixture
def launch(request: pytest.FixtureRequest, configs: dict) -> Iterator[Callable[..., Session]]:
    """Factory: launch(kind, **changes) -> a started Session whose config is
    the default one of `kind` with `changes` applied; all stopped after."""
    sessions: list[Session] = []

    def _launch(kind: str, **changes) -> Session:
        config = configs[kind].replace(**changes) if changes else configs[kind]
        session = Session(config)
        sessions.append(session)
        _track(request, session)
        missing = config.missing()
        if missing:
            pytest.fail(f"{kind} target missing: " + "; ".join(missing), pytrace=False)
        session.start()
        return session

    yield _launch
    for session in sessions:
        session.stop()


@pytest.fixture
def target(request: pytest.FixtureRequest, target_kind: str, configs: dict) -> Iterator[Session]:
    """A fresh started session on `target_kind`, stopped after the test."""
    session = Session(configs[target_kind])
    _track(request, session)
    missing = session.config.missing()
    if missing:
        pytest.fail(f"{target_kind} target missing: " + "; ".join(missing), pytrace=False)
    try:
        session.start()
        yield session
    finally:
        session.stop()


class _Shared:
    """One session per module and kind, restarted when it died."""

    def __init__(self, config: TargetConfig) -> None:
        self.config = config
        self.session: Session | None = None

    def get(self) -> Session:
        if self.session is None or not self.session.alive:
            if self.session is not None:
                self.session.stop()
            self.session = _start(self.config)
        return self.session

    def stop(self) -> None:
        if self.session is not None:
            self.session.stop()


@pytest.fixture(scope="module")
def _shared_holder(target_kind: str, configs: dict) -> Iterator[_Shared]:
    holder = _Shared(configs[target_kind])
    yield holder
    holder.stop()


@pytest.fixture
def shared_target(request: pytest.FixtureRequest, _shared_holder: _Shared) -> Session:
    """A started session shared by the module's tests on one kind: for
    tests that leave no state behind. Restarted if an earlier test killed it."""
    session = _shared_holder.get()
    _track(request, session)
    return session


# ---------------------------------------------------- failure transcripts

def _safe(nodeid: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid)[-150:]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call):
    """On failure: each session's transcript tail in the report, the whole
    transcript in build/pytest-transcripts/<test>-<n>-<kind>.txt."""
    outcome = yield
    report = outcome.get_result()
    if not report.failed:
        return
    for n, session in enumerate(item.stash.get(_SESSIONS, [])):
        name = f"{_safe(item.nodeid)}-{n}-{session.kind}.txt"
        try:
            path = session.transcript.write(TRANSCRIPT_DIR / name)
        except OSError:
            path = None
        tail = "\n".join(session.tail(60))
        report.sections.append((f"vmk transcript {session.kind} ({path})", tail))
