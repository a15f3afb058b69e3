"""The ``watcher`` command: parse, call the pipeline or the store, render, exit.

Results go to stdout, progress and logs to stderr. Every error that watcher raises on purpose
becomes one line on stderr and an exit status; a traceback means a bug.

Exit status (as ``diff(1)`` and pip-audit): 0 nothing to report, 1 changes found (check, diff),
2 usage or config error, 3 operational failure (a target failed, state could not be written, a
notification failed). When a run has both failures and changes, 3 wins.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import textwrap
from collections.abc import Callable, Sequence
from typing import Any, NoReturn, TypeVar

import click

from watcher import __version__, logs, render
from watcher import config as config_mod
from watcher.config import Config
from watcher.errors import ConfigError, StoreError, UsageError, WatcherError
from watcher.models import Outcome, Target
from watcher.store import Store

EXIT_OK = 0
EXIT_CHANGES = 1
EXIT_USAGE = 2
EXIT_FAILURE = 3

F = TypeVar("F", bound=Callable[..., Any])


class WatcherGroup(click.Group):
    """A click group that turns watcher's own errors into one line and the right exit status."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (ConfigError, UsageError) as exc:
            _fail(str(exc), EXIT_USAGE)
        except WatcherError as exc:
            _fail(str(exc), EXIT_FAILURE)


def _fail(message: str, code: int) -> NoReturn:
    click.echo(f"watcher: error: {message}", err=True)
    sys.exit(code)


def config_option(f: F) -> F:
    return click.option(
        "--config",
        "config_path",
        metavar="PATH",
        envvar="WATCHER_CONFIG",
        help="Config file (default: $WATCHER_CONFIG, ./config.toml, /etc/watcher/config.toml).",
    )(f)


def json_option(f: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")(f)


def color_option(f: F) -> F:
    return click.option(
        "--color",
        type=click.Choice(["auto", "always", "never"]),
        default="auto",
        show_default=True,
        help="Colour the words that changed.",
    )(f)


def load_config(config_path: str | None) -> Config:
    cfg = config_mod.load(config_mod.find_config(config_path))
    logs.setup(cfg.settings.log_level, cfg.settings.log_format)
    return cfg


def use_color(choice: str) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


@click.group(cls=WatcherGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="watcher")
def cli() -> None:
    """Watch privacy policies and terms; alert, with evidence, when the promises change.

    Start with `watcher demo` (no internet needed), then copy config.example.toml to
    config.toml and run `watcher check` or `watcher run`.
    """


# -- check ---------------------------------------------------------------------------------------


@cli.command()
@click.argument("targets", nargs=-1, metavar="[TARGET]...")
@config_option
@json_option
@click.option("--no-notify", is_flag=True, help="Store results but send no notification.")
def check(targets: Sequence[str], config_path: str | None, as_json: bool, no_notify: bool) -> None:
    """Check TARGETs now (default: all): fetch, store, classify, notify."""
    from watcher import pipeline

    cfg = load_config(config_path)
    chosen = [cfg.target(t) for t in targets] if targets else list(cfg.targets)
    if not chosen:
        raise UsageError("no targets configured: add [[targets]] to the config")
    ctx = pipeline.Context.open(cfg)
    results = []
    try:
        for i, target in enumerate(chosen, 1):
            if len(chosen) > 1 and not as_json:
                click.echo(f"[{i}/{len(chosen)}] {target.id} ...", err=True)
            results.append(pipeline.check_target(ctx, target))
        delivery_failed = False
        if not no_notify:
            try:
                delivery_failed = _deliver(ctx)
            except StoreError as exc:  # the checks are stored: still show them, then exit 3
                click.echo(f"watcher: error: notifications not sent: {exc}", err=True)
                delivery_failed = True
    finally:
        ctx.close()
    if as_json:
        echo_json({"results": [render.check_json(r) for r in results]})
    else:
        for r in results:
            click.echo(_check_line(r))
        counts: dict[str, int] = {}
        for r in results:
            counts[r.outcome.value] = counts.get(r.outcome.value, 0) + 1
        summary = ", ".join(f"{n} {o}" for o, n in sorted(counts.items()))
        click.echo(f"checked {len(results)} target(s): {summary}", err=True)
    failed = any(r.outcome is Outcome.ERROR for r in results) or delivery_failed
    changed = any(r.outcome is Outcome.CHANGED for r in results)
    sys.exit(EXIT_FAILURE if failed else EXIT_CHANGES if changed else EXIT_OK)


def _check_line(r: Any) -> str:
    parts = [f"{r.target_id}: {r.outcome.value}"]
    if r.version_seq:
        parts.append(f"version {r.version_seq}")
    if r.verdict is not None and r.outcome is Outcome.CHANGED:
        v = r.verdict
        cats = ", ".join(c.value for c in v.categories) or "-"
        parts.append(f"[{v.severity.value}, {v.direction.value}, {cats}] {v.summary}")
    if r.cause:
        parts.append(f"({r.cause})")
    if r.message and r.outcome in (Outcome.ERROR, Outcome.ANOMALY):
        parts.append(r.message)
    return " ".join(parts)


def _deliver(ctx: Any) -> bool:
    """Send what the outbox holds; True when some delivery failed (exit status 3)."""
    try:
        from watcher import notify
    except ImportError:  # pragma: no cover - notify is part of the package
        return False
    report = notify.deliver_due(ctx.store, ctx.config)
    return bool(getattr(report, "failed", 0))


# -- diff ----------------------------------------------------------------------------------------


@cli.command("diff")
@click.argument("sources", nargs=-1, required=True, metavar="OLD NEW | TARGET")
@click.option("--from", "from_seq", type=int, metavar="N", help="Older stored version of TARGET.")
@click.option("--to", "to_seq", type=int, metavar="M", help="Newer stored version of TARGET.")
@config_option
@json_option
@color_option
def diff_cmd(
    sources: Sequence[str],
    from_seq: int | None,
    to_seq: int | None,
    config_path: str | None,
    as_json: bool,
    color: str,
) -> None:
    """Show what changed: OLD NEW (files or URLs), TARGET live, or TARGET --from N --to M."""
    from watcher import pipeline

    if len(sources) == 2:
        if from_seq is not None or to_seq is not None:
            raise UsageError("--from/--to go with one TARGET, not with OLD NEW")
        cfg = _optional_config(config_path)
        from watcher.fetch import make_client

        with make_client(cfg.fetch) as client:
            old = pipeline.load_document(client, sources[0], cfg)
            new = pipeline.load_document(client, sources[1], cfg)
        change, verdict = pipeline.compare(old, new)
    elif len(sources) == 1:
        cfg = load_config(config_path)
        target = cfg.target(sources[0])
        with Store.open(cfg.settings.state_dir) as store:
            if from_seq is None and to_seq is None:
                latest = store.latest_version(target.id)
                if latest is None:
                    raise UsageError(f"{target.id}: no stored version yet; run `watcher check`")
                ctx = pipeline.Context.open(cfg)
                try:
                    new = pipeline.preview(ctx, target)
                finally:
                    ctx.close()
                change, verdict = pipeline.compare(latest.document, new)
            else:
                change, verdict = _stored_diff(store, target, from_seq, to_seq)
    else:
        raise UsageError("diff takes OLD NEW (files or URLs) or one TARGET")
    if as_json:
        echo_json(render.change_json(change, verdict))
    else:
        click.echo(render.change_text(change, verdict, color=use_color(color)), nl=False)
    sys.exit(EXIT_CHANGES if change.changed else EXIT_OK)


def _stored_diff(store: Store, target: Target, from_seq: int | None, to_seq: int | None) -> Any:
    from watcher import pipeline

    latest = store.latest_version(target.id)
    if latest is None:
        raise UsageError(f"{target.id}: no stored version yet; run `watcher check`")
    to_n = to_seq if to_seq is not None else latest.seq
    from_n = from_seq if from_seq is not None else to_n - 1
    new = store.version(target.id, to_n)
    old = store.version(target.id, from_n)
    for n, v in ((from_n, old), (to_n, new)):
        if v is None:
            raise UsageError(f"{target.id}: no version {n} (versions 1 to {latest.seq})")
    assert old is not None and new is not None
    stored = store.change_for(target.id, to_n) if to_n == from_n + 1 else None
    if stored is not None and stored.old_seq == from_n:
        return stored.change, stored.verdict
    return pipeline.compare(old.document, new.document)


def _optional_config(config_path: str | None) -> Config:
    """The config when there is one (for fetch settings); defaults when there is none."""
    try:
        return load_config(config_path)
    except ConfigError:
        if config_path:
            raise
        return config_mod.parse({})


# -- reading the store ---------------------------------------------------------------------------


@cli.command("list")
@config_option
@json_option
def list_cmd(config_path: str | None, as_json: bool) -> None:
    """List the configured targets with their last check and last change."""
    cfg = load_config(config_path)
    with Store.open(cfg.settings.state_dir) as store:
        rows = []
        for t in cfg.targets:
            row = store.target_summary(t.id)
            row.update({"provider": t.provider, "url": t.url})
            rows.append(row)
    if as_json:
        echo_json({"targets": rows})
        return
    if not rows:
        click.echo("no targets configured", err=True)
    for r in rows:
        last = r["last_outcome"] or "never checked"
        change = (
            f"last change {r['last_change'][:16]} ({r['last_severity']})"
            if r["last_change"]
            else "no change yet"
        )
        failing = f", failing {r['failing']}x" if r["failing"] else ""
        click.echo(
            f"{r['target']:<28} {last:<10} v{r['versions']:<3} {change}{failing}  {r['url']}"
        )


@cli.command()
@click.argument("target")
@config_option
@json_option
def history(target: str, config_path: str | None, as_json: bool) -> None:
    """Show TARGET's stored versions and the change that led to each."""
    cfg = load_config(config_path)
    t = cfg.target(target)
    with Store.open(cfg.settings.state_dir) as store:
        entries: list[dict[str, Any]] = []
        for v in store.versions(t.id):
            c = store.change_for(t.id, v.seq)
            entries.append(
                {
                    "version": v.seq,
                    "captured_at": v.captured_at.isoformat(timespec="seconds"),
                    "characters": len(v.text),
                    "note": v.note,
                    "flip_of": v.flip_of,
                    "change": None
                    if c is None
                    else {
                        "id": c.id,
                        "severity": c.verdict.severity.value,
                        "direction": c.verdict.direction.value,
                        "categories": [x.value for x in c.verdict.categories],
                        "summary": c.verdict.summary,
                        "hunks": len(c.change.hunks),
                    },
                }
            )
        checks = store.checks(t.id, limit=10)
    if as_json:
        echo_json({"target": t.id, "versions": entries})
        return
    if not entries:
        click.echo(f"{t.id}: no stored version yet")
    for e in entries:
        line = f"v{e['version']:<3} {e['captured_at']}  {e['characters']:>6} chars"
        if e["change"]:
            ch = e["change"]
            line += f"  [{ch['severity']}, {ch['direction']}] {ch['summary']}"
        elif e["version"] == 1:
            line += "  first version"
        if e["note"]:
            line += f"  ({e['note']}{' of v' + str(e['flip_of']) if e['flip_of'] else ''})"
        click.echo(line)
    if checks:
        last = checks[0]
        click.echo(
            f"last check {last.started_at.isoformat(timespec='seconds')}: {last.outcome.value}"
            + (f" ({last.cause}: {last.message})" if last.cause else ""),
            err=True,
        )


@cli.command()
@click.argument("target")
@click.option("--version", "seq", type=int, metavar="N", help="Which version (default: latest).")
@click.option("--raw", is_flag=True, help="Print the raw body as fetched instead of the text.")
@config_option
def show(target: str, seq: int | None, raw: bool, config_path: str | None) -> None:
    """Print TARGET's stored policy text (or raw body) at a version."""
    cfg = load_config(config_path)
    t = cfg.target(target)
    with Store.open(cfg.settings.state_dir) as store:
        v = store.version(t.id, seq) if seq is not None else store.latest_version(t.id)
        if v is None:
            raise UsageError(
                f"{t.id}: no version {seq}" if seq is not None else f"{t.id}: no stored version yet"
            )
        if raw:
            body = store.raw_body(v.raw_sha256) if v.raw_sha256 else None
            if body is None:
                raise StoreError(f"{t.id}: the raw body of version {v.seq} is not stored")
            sys.stdout.buffer.write(body)
            return
    click.echo(render.sanitize_terminal(v.text))


# -- config and rules ----------------------------------------------------------------------------


@cli.group("config", cls=WatcherGroup)
def config_group() -> None:
    """Check the config file."""


@config_group.command("check")
@config_option
@json_option
def config_check(config_path: str | None, as_json: bool) -> None:
    """Validate the config and print it resolved, with secrets masked."""
    cfg = config_mod.load(config_mod.find_config(config_path))
    data = config_mod.masked(cfg)
    if as_json:
        echo_json(data)
        return
    click.echo(
        f"{cfg.path}: OK ({len(cfg.targets)} target(s), {len(cfg.groups)} group(s), "
        f"state in {cfg.settings.state_dir})"
    )
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


@cli.command()
def rules() -> None:
    """List the classifier's rules and what each looks for."""
    from watcher.classify import describe_rules

    width = max(60, min(shutil.get_terminal_size().columns, 120))
    for name, doc in describe_rules():
        lines = textwrap.wrap(doc, width - 29) or [""]
        click.echo(f"{name:<28} {lines[0]}")
        for line in lines[1:]:
            click.echo(f"{'':<28} {line}")


@cli.command()
@click.option("--state-dir", default=None, metavar="DIR", help="Where the demo keeps its state.")
@click.option("--rounds", default=4, show_default=True, help="How many checks to run.")
def demo(state_dir: str | None, rounds: int) -> None:
    """Serve sample policies on 127.0.0.1, change them, and check them (no internet needed)."""
    from watcher.demo import run_demo

    sys.exit(run_demo(state_dir, rounds))


# -- commands that live in their own modules -----------------------------------------------------
# Each module adds its commands to `cli` here, so that `watcher --help` lists them all.
# notify (notify test, outbox):
from watcher.cli_notify import register as register_notify  # noqa: E402

register_notify(cli)
# daemon (run, status):
from watcher.cli_daemon import run, status  # noqa: E402

cli.add_command(run)
cli.add_command(status)
# web (serve):
from watcher.cli_web import serve  # noqa: E402

cli.add_command(serve)


def main() -> None:
    cli(prog_name="watcher")
