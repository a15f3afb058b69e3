"""Soak test: `watcher run` with many targets on loopback for a few minutes, watching for leaks.

One threaded HTTP server in this process serves ``--targets`` policy pages on 127.0.0.1, a few of
which change every ``--change-every`` seconds. A `watcher run` subprocess checks them all every
``--interval``. Every ``--sample`` seconds this script reads the daemon's RSS (``VmRSS`` in
/proc/<pid>/status), its CPU time (utime + stime in /proc/<pid>/stat) and the number of rows in the
store's ``checks`` table. At the end it prints the samples, the RSS growth trend (least squares,
MB per minute, over all samples and after the warm-up), checks per second and CPU per check, then
stops the daemon with SIGTERM and reports its exit status.

    .venv/bin/python bench/soak.py                      # 1,000 targets, 3 minutes
    .venv/bin/python bench/soak.py --duration 60 --interval 20s

A flat trend after warm-up means no leak at this scale; a steady positive slope is worth a look
with tracemalloc. The numbers are for this machine and loopback: no DNS, no TLS, tiny pages.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

TICKS = os.sysconf("SC_CLK_TCK")

PAGE = (
    "<html><head><title>Provider {i} privacy</title></head><body><main>"
    "<h1>Privacy policy of provider {i}</h1>"
    "<p>We collect your e-mail address and your payment details to run the service.</p>"
    "<p>We keep connection logs for {days} days, then delete them.</p>"
    "<p>We share data with payment processors only, never with advertisers.</p>"
    "<h2>Your rights</h2><p>You may ask for a copy or the deletion of your data at any time.</p>"
    "</main></body></html>"
)


class Pages:
    """``/p/<i>``: a policy page; every ``every``-th one changes each ``change_every`` seconds."""

    def __init__(self, count: int, every: int, change_every: float) -> None:
        self.requests = 0
        outer = self
        t0 = time.monotonic()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                outer.requests += 1
                try:
                    i = int(self.path.rsplit("/", 1)[-1])
                except ValueError:
                    i = -1
                if not 0 <= i < count:
                    self.send_error(404)
                    return
                days = 7
                if every and i % every == 0:
                    days = 7 + int((time.monotonic() - t0) // change_every)
                body = PAGE.format(i=i, days=days).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.request_queue_size = 128
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@dataclass
class Sample:
    t: float  # seconds since the daemon started
    rss_mb: float
    cpu_s: float
    checks: int


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def cpu_seconds(pid: int) -> float:
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime (fields 14, 15)


def count_checks(db: Path) -> int:
    if not db.exists():
        return 0
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM checks").fetchone()[0])
    except sqlite3.OperationalError:  # the schema is not there yet
        return 0
    finally:
        conn.close()


def slope_per_minute(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of (seconds, MB) points, in MB per minute."""
    n = len(points)
    if n < 2:
        return float("nan")
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    sxy = sum((x - mx) * (y - my) for x, y in points)
    return sxy / sxx * 60 if sxx else float("nan")


def write_config(path: Path, state: Path, base: str, args: argparse.Namespace) -> None:
    lines = [
        "[watcher]",
        f'state_dir = "{state}"',
        f"concurrency = {args.concurrency}",
        f"per_host = {args.concurrency}",  # every target is on 127.0.0.1
        'host_delay = "0s"',
        "",
        "[fetch]",
        "retries = 0",
        "",
    ]
    for i in range(args.targets):
        lines += [
            "[[targets]]",
            f'id = "p{i:04d}/privacy"',
            f'url = "{base}/p/{i}"',
            f'interval = "{args.interval}"',
            "",
        ]
    path.write_text("\n".join(lines), encoding="utf-8")


def watcher_command() -> list[str]:
    exe = shutil.which("watcher", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-m", "watcher"]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--targets", type=int, default=1000)
    p.add_argument("--duration", type=float, default=180, help="seconds (default 180)")
    p.add_argument("--interval", default="30s", help='each target\'s interval (default "30s")')
    p.add_argument("--sample", type=float, default=5, help="seconds between samples")
    p.add_argument("--concurrency", type=int, default=8)
    p.add_argument("--change-one-in", type=int, default=100, help="every N-th page changes")
    p.add_argument("--change-every", type=float, default=60, help="seconds between changes")
    p.add_argument("--keep", action="store_true", help="keep the temporary state directory")
    args = p.parse_args()

    work = Path(tempfile.mkdtemp(prefix="watcher-soak-"))
    pages = Pages(args.targets, args.change_one_in, args.change_every)
    config, state = work / "config.toml", work / "state"
    write_config(config, state, pages.base, args)
    log = (work / "daemon.log").open("w")
    env = {**os.environ}
    env.pop("NOTIFY_SOCKET", None)
    proc = subprocess.Popen(
        [*watcher_command(), "run", "--config", str(config)], stderr=log, env=env
    )
    print(
        f"soak: {args.targets} targets every {args.interval}, concurrency {args.concurrency}, "
        f"{args.duration:g}s, daemon pid {proc.pid}, files in {work}",
        flush=True,
    )
    samples: list[Sample] = []
    t0 = time.monotonic()
    try:
        while True:
            now = time.monotonic() - t0
            if proc.poll() is not None:
                print(f"soak: the daemon exited early with status {proc.returncode}")
                return 1
            s = Sample(
                now,
                rss_mb(proc.pid),
                cpu_seconds(proc.pid),
                count_checks(state / "watcher.sqlite3"),
            )
            samples.append(s)
            print(
                f"  t={s.t:6.1f}s  rss={s.rss_mb:7.1f} MB  cpu={s.cpu_s:7.2f}s  checks={s.checks}",
                flush=True,
            )
            if now >= args.duration:
                break
            time.sleep(min(args.sample, max(0.0, args.duration - now)))
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                rc = proc.wait(60)
            except subprocess.TimeoutExpired:
                proc.kill()
                rc = proc.wait()
        else:
            rc = proc.returncode
        log.close()
        pages.close()

    first, last = samples[0], samples[-1]
    warm = [s for s in samples if s.t >= last.t * 0.25]
    all_trend = slope_per_minute([(s.t, s.rss_mb) for s in samples])
    warm_trend = slope_per_minute([(s.t, s.rss_mb) for s in warm])
    # Rates from the first sample with checks, so that start-up time does not count.
    base = next((s for s in samples if s.checks > 0), first)
    span = last.t - base.t
    done = last.checks - base.checks
    rate = done / span if span > 0 else float("nan")
    cpu_ms = (last.cpu_s - base.cpu_s) / done * 1000 if done else float("nan")
    print()
    print(f"samples:            {len(samples)} over {last.t:.0f}s")
    print(
        f"rss:                {first.rss_mb:.1f} MB -> {last.rss_mb:.1f} MB "
        f"(max {max(s.rss_mb for s in samples):.1f})"
    )
    print(
        f"rss trend:          {all_trend:+.3f} MB/min overall, "
        f"{warm_trend:+.3f} MB/min after the first quarter"
    )
    print(f"checks:             {last.checks} stored; {rate:.1f} checks/s after the first check")
    print(f"cpu per check:      {cpu_ms:.2f} ms (utime+stime of the daemon)")
    print(f"http requests:      {pages.requests}")
    print(f"daemon exit status: {rc} (after SIGTERM)")
    with sqlite3.connect(f"file:{state / 'watcher.sqlite3'}?mode=ro", uri=True) as conn:
        outcomes = dict(
            conn.execute("SELECT outcome, COUNT(*) FROM checks GROUP BY outcome").fetchall()
        )
    print(f"outcomes:           {outcomes}")
    if args.keep:
        print(f"kept: {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if rc == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
