"""The units in systemd/ are accepted by systemd-analyze and hardened to an exposure of <= 2.0.

``systemd-analyze verify`` also checks that ExecStart's program exists; /usr/bin/watcher does not
on a development machine, so the units are verified as copies pointing at the watcher executable
that is installed here (the unit text is otherwise unchanged).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO, watcher_exe

UNITS = REPO / "systemd"
ANALYZE = shutil.which("systemd-analyze") or (
    "/usr/bin/systemd-analyze" if Path("/usr/bin/systemd-analyze").exists() else None
)
needs_analyze = pytest.mark.skipif(ANALYZE is None, reason="systemd-analyze is not installed")


def _installed_copies(tmp_path: Path) -> Path:
    exe = watcher_exe()
    if len(exe) != 1:
        pytest.skip("no installed `watcher` executable to point the units at")
    for unit in UNITS.iterdir():
        if unit.suffix in (".service", ".timer"):
            text = unit.read_text(encoding="utf-8").replace("/usr/bin/watcher", exe[0])
            (tmp_path / unit.name).write_text(text, encoding="utf-8")
    return tmp_path


def test_units_reference_the_documented_paths() -> None:
    service = (UNITS / "watcher.service").read_text(encoding="utf-8")
    assert "ExecStart=/usr/bin/watcher run --config /etc/watcher/config.toml" in service
    assert "Type=notify" in service
    assert "ExecReload=/bin/kill -HUP $MAINPID" in service
    assert "Environment=WATCHER_STATE_DIR=/var/lib/watcher" in service
    assert re.search(r"^WatchdogSec=\d+", service, re.M)
    timer = (UNITS / "watcher-check.timer").read_text(encoding="utf-8")
    assert "Unit=watcher-check.service" in timer
    check = (UNITS / "watcher-check.service").read_text(encoding="utf-8")
    assert "ExecStart=/usr/bin/watcher check --config /etc/watcher/config.toml" in check


def test_stop_timeout_outlasts_the_daemons_own_wait() -> None:
    """systemd must not SIGKILL watcher while it still waits (30 s) for checks in flight."""
    from watcher.daemon import STOP_TIMEOUT

    service = (UNITS / "watcher.service").read_text(encoding="utf-8")
    m = re.search(r"^TimeoutStopSec=(\d+)$", service, re.M)
    assert m and int(m.group(1)) > STOP_TIMEOUT


@needs_analyze
def test_systemd_analyze_verify_accepts_the_units(tmp_path: Path) -> None:
    units = _installed_copies(tmp_path)
    names = sorted(str(p) for p in units.iterdir())
    proc = subprocess.run(
        [str(ANALYZE), "verify", *names], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert "watcher" not in proc.stderr, proc.stderr  # no warning about our units


@needs_analyze
@pytest.mark.parametrize("unit", ["watcher.service", "watcher-check.service"])
def test_service_exposure_is_at_most_2(tmp_path: Path, unit: str) -> None:
    path = _installed_copies(tmp_path) / unit
    proc = subprocess.run(
        [str(ANALYZE), "security", "--offline=true", "--no-pager", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    m = re.search(r"Overall exposure level for \S+: (\d+(?:\.\d+)?)", proc.stdout)
    assert m, proc.stdout + proc.stderr
    exposure = float(m.group(1))
    print(f"{unit}: exposure {exposure}")
    assert exposure <= 2.0, proc.stdout
