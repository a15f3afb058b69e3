"""The notify protocol as systemd receives it: datagrams on a real unix socket."""

from __future__ import annotations

import os
import socket
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from watcher.sdnotify import Notifier, watchdog_period


@pytest.fixture
def listener() -> Iterator[tuple[str, socket.socket]]:
    # AF_UNIX paths are limited to ~108 bytes; pytest's tmp_path can be longer.
    directory = tempfile.mkdtemp(prefix="wsd", dir="/tmp")
    path = os.path.join(directory, "notify")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(2)
    yield path, sock
    sock.close()
    os.unlink(path)
    os.rmdir(directory)


def _fields(sock: socket.socket) -> dict[str, str]:
    data = sock.recv(4096).decode()
    return dict(line.split("=", 1) for line in data.split("\n"))


def test_ready_with_status_arrives_as_one_datagram(listener: tuple[str, socket.socket]) -> None:
    path, sock = listener
    with Notifier.from_env({"NOTIFY_SOCKET": path}) as n:
        assert n.ready("3 targets,\n0 checks")
    assert _fields(sock) == {"READY": "1", "STATUS": "3 targets, 0 checks"}


def test_reloading_carries_a_current_monotonic_timestamp(
    listener: tuple[str, socket.socket],
) -> None:
    path, sock = listener
    before = time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1000
    with Notifier(path) as n:
        n.reloading()
    after = time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1000
    fields = _fields(sock)
    assert fields["RELOADING"] == "1"
    assert before <= int(fields["MONOTONIC_USEC"]) <= after


def test_abstract_namespace_address_is_reached() -> None:
    name = f"watcher-test-{os.getpid()}-{time.monotonic_ns()}"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind("\0" + name)
    sock.settimeout(2)
    try:
        with Notifier("@" + name) as n:
            assert n.watchdog()
        assert sock.recv(100) == b"WATCHDOG=1"
    finally:
        sock.close()


def test_without_notify_socket_nothing_is_sent() -> None:
    n = Notifier.from_env({})
    assert not n.enabled
    assert n.stopping() is False


def test_a_vanished_socket_is_reported_not_raised(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with Notifier(str(tmp_path / "gone")) as n:
        assert n.ready() is False
        assert n.ready() is False
    assert sum("cannot notify systemd" in r.message for r in caplog.records) == 1


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"WATCHDOG_USEC": "20000000"}, 20.0),
        ({"WATCHDOG_USEC": "20000000", "WATCHDOG_PID": "4242"}, 20.0),
        ({"WATCHDOG_USEC": "20000000", "WATCHDOG_PID": "1"}, None),  # meant for another process
        ({"WATCHDOG_USEC": "0"}, None),
        ({"WATCHDOG_USEC": "soon"}, None),
        ({}, None),
    ],
)
def test_watchdog_period_is_read_for_this_process_only(
    env: dict[str, str], expected: float | None
) -> None:
    assert watchdog_period(env, pid=4242) == expected
