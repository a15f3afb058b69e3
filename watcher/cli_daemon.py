"""``watcher run`` and ``watcher status``: the service, and what it has been doing.

Kept out of cli.py so that the daemon's options and its systemd-facing behaviour live next to each
other; cli.py only registers these commands.
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime

import click

from watcher import logs
from watcher.cli import config_option, echo_json, json_option, load_config
from watcher.config import LOG_FORMATS
from watcher.store import Store


@config_option
@click.option(
    "--log-format",
    type=click.Choice(LOG_FORMATS),
    default=None,
    help="Override [watcher] log_format (json: one object per line on stderr).",
)
@click.option(
    "--stop-timeout",
    type=click.FloatRange(min=0),
    default=30.0,
    show_default=True,
    metavar="SECONDS",
    help="On SIGTERM/SIGINT, how long to wait for checks in flight.",
)
def _run(config_path: str | None, log_format: str | None, stop_timeout: float) -> None:
    """Run as a service: check every target on its schedule until SIGTERM.

    SIGHUP reloads the config (an invalid one is refused and the running one kept). Under systemd
    (Type=notify) it reports readiness, status and watchdog pings. Logs go to stderr.
    """
    from watcher.daemon import Daemon

    cfg = load_config(config_path)
    if log_format:
        logs.setup(cfg.settings.log_level, log_format)
    daemon = Daemon(cfg, log_format=log_format, stop_timeout=stop_timeout)
    code = daemon.run()
    if daemon.abandoned:
        # Worker threads still inside a check would be joined at interpreter exit, for as long
        # as their fetch takes; the stop bound is the promise, so leave without joining them.
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


@config_option
@json_option
def _status(config_path: str | None, as_json: bool) -> None:
    """Show per target the last check, its outcome, the next run, failures and the last change.

    The next run is computed from the schedule and the last stored check (jitter aside), so this
    works from any shell, whether the daemon runs or not.
    """
    from watcher.daemon import status_rows

    cfg = load_config(config_path)
    now = datetime.now(UTC)
    with Store.open(cfg.settings.state_dir) as store:
        rows = status_rows(cfg, store, now)
    if as_json:
        echo_json({"now": now.isoformat(timespec="seconds"), "targets": rows})
        return
    if not rows:
        click.echo("no targets configured", err=True)
        return
    width = max(len(r["target"]) for r in rows)
    lines = []
    for r in rows:
        outcome = r["outcome"] or "-"
        if r["cause"] and r["outcome"] in ("error", "anomaly"):
            outcome += f" ({r['cause']})"
        if r["next_run"] is None:
            next_run = "when started"
        else:
            next_run = _short(r["next_run"]) + (" overdue" if r["overdue"] else "")
        change = f"{_short(r['last_change'])} ({r['last_severity']})" if r["last_change"] else "-"
        lines.append((r, outcome, next_run, change))
    ow = max([len("OUTCOME")] + [len(o) for _, o, _, _ in lines])
    nw = max([len("NEXT RUN")] + [len(n) for _, _, n, _ in lines])
    click.echo(
        f"{'TARGET':<{width}}  {'LAST CHECK':<20} {'OUTCOME':<{ow}} {'NEXT RUN':<{nw}} "
        f"{'FAILS':>5}  LAST CHANGE"
    )
    for r, outcome, next_run, change in lines:
        click.echo(
            f"{r['target']:<{width}}  {_short(r['last_check']) or 'never':<20} {outcome:<{ow}} "
            f"{next_run:<{nw}} {r['failures']:>5}  {change}"
        )


# Annotated so that type checkers know them while watcher.cli (which imports them) is half-loaded.
run: click.Command = click.command("run")(_run)
status: click.Command = click.command("status")(_status)


def _short(iso: str | None) -> str:
    """``2025-01-02T03:04:05+00:00`` -> ``2025-01-02 03:04:05Z``."""
    if not iso:
        return ""
    return iso.replace("T", " ").replace("+00:00", "Z")
