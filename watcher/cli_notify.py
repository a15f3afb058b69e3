"""``watcher notify test`` and ``watcher outbox``: try the channels, and see what is waiting.

Both print URLs only masked (``notify.mask``): the output of a command ends up in terminals,
tickets and CI logs, where a webhook token must never appear.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from watcher import notify
from watcher.cli import EXIT_FAILURE, EXIT_OK, config_option, echo_json, json_option, load_config
from watcher.render import sanitize_terminal
from watcher.store import OutboxRow, Store


@click.group("notify")
def notify_group() -> None:
    """Notification channels: send a test message."""


@notify_group.command("test")
@click.argument("group", required=False)
@config_option
@json_option
def notify_test(group: str | None, config_path: str | None, as_json: bool) -> None:
    """Send a sample alert to every group (or GROUP) now; exit 3 if any channel failed."""
    cfg = load_config(config_path)
    if not cfg.groups:
        raise click.UsageError("no [[groups]] in the config: nobody to notify")
    results = notify.send_test(cfg, group)
    if as_json:
        echo_json(
            {
                "groups": [
                    {"group": r.group, "ok": r.ok, "urls": r.urls, "errors": list(r.errors)}
                    for r in results
                ]
            }
        )
    else:
        for r in results:
            if r.ok:
                click.echo(f"{r.group}: OK ({r.urls} {'URL' if r.urls == 1 else 'URLs'})")
            else:
                click.echo(f"{r.group}: failed")
                for e in r.errors:
                    click.echo(f"  {e}")
    sys.exit(EXIT_OK if all(r.ok for r in results) else EXIT_FAILURE)


def _row(r: OutboxRow, urls: dict[str, list[str]]) -> dict[str, Any]:
    return {
        "id": r.id,
        "group": r.group,
        "kind": r.kind,
        "target": r.target_id,
        "change_id": r.change_id,
        "status": r.status,
        "attempts": r.attempts,
        "created_at": r.created_at.isoformat(timespec="seconds"),
        "next_attempt": r.next_attempt.isoformat(timespec="seconds")
        if r.status == "pending"
        else None,
        "last_error": r.last_error,
        "urls": urls.get(r.group, []),
        "summary": r.payload.get("summary") or r.payload.get("cause"),
    }


@click.command("outbox")
@config_option
@json_option
@click.option("--all", "show_all", is_flag=True, help="Include the alerts already sent.")
def outbox(config_path: str | None, as_json: bool, show_all: bool) -> None:
    """List alerts waiting for delivery (pending) and those given up on (failed)."""
    cfg = load_config(config_path)
    urls = {g.name: [notify.mask(u) for u in g.notify] for g in cfg.groups}
    statuses = ("pending", "failed", "sent") if show_all else ("pending", "failed")
    with Store.open(cfg.settings.state_dir) as store:
        rows = [_row(r, urls) for r in store.outbox(statuses)]
    if as_json:
        echo_json({"outbox": rows})
        return
    if not rows:
        click.echo("the outbox is empty: nothing pending, nothing failed", err=True)
        return
    for d in rows:
        when = f"next {d['next_attempt'][:16]}" if d["next_attempt"] else d["status"]
        line = (
            f"#{d['id']:<5} {d['status']:<8} {d['group']:<20} {d['kind']:<9} "
            f"{d['target'] or '-':<24} attempts={d['attempts']} {when}"
        )
        click.echo(line)
        if d["summary"]:
            click.echo(f"       {sanitize_terminal(str(d['summary']))}")
        if d["last_error"]:
            click.echo(f"       last error: {sanitize_terminal(d['last_error'])}")
    pending = sum(d["status"] == "pending" for d in rows)
    failed = sum(d["status"] == "failed" for d in rows)
    click.echo(f"{pending} pending, {failed} failed", err=True)


def register(cli: click.Group) -> None:
    """Add these commands to the ``watcher`` group (an annotated function: ``cli`` imports us
    while it is itself being imported, and mypy cannot type decorated names across that cycle)."""
    cli.add_command(notify_group)
    cli.add_command(outbox)
