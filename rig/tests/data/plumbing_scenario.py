"""pytest plumbing of rig.pytest_plugin, run in a subprocess by
rig/tests/test_rig_plugin.py (not collected by the suites: no test_ name)."""
import pytest


@pytest.mark.parametrize("target", ["host"], indirect=True)
def test_target_parametrized_indirectly(target):
    assert target.kind == "host"


def test_launch_of_qemu(launch):
    s = launch("qemu", mem="64M")
    assert s.ready.int("ram_size") == 64 << 20


def test_uses_target(target):
    assert target.ok("info")["version"] == target.ready["version"]


@pytest.mark.nocheck
def test_uses_target_without_check(target):
    target.ok("info")


def test_qemu_args_and_timeouts_reach_the_configuration(qemu_config, request):
    assert qemu_config.extra_args == ("-no-reboot", "-rtc", "base=utc")
    assert str(qemu_config).endswith("-no-reboot -rtc base=utc")


def test_timeouts_reach_the_session(target):
    assert (target.request_timeout, target.boot_timeout) == (7.5, 12.0)
