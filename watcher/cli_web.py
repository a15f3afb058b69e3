"""``watcher serve``: the web front on its own, next to (or without) a running daemon."""

from __future__ import annotations

import click

from watcher.cli import config_option, load_config
from watcher.store import Store


@config_option
@click.option(
    "--listen",
    metavar="HOST:PORT",
    default=None,
    help="Address to listen on (default: [http] listen, else 127.0.0.1:8080).",
)
def _serve(config_path: str | None, listen: str | None) -> None:
    """Serve the read-only pages, Atom feeds, /metrics and /healthz until interrupted."""
    from watcher import web

    cfg = load_config(config_path)
    with Store.open(cfg.settings.state_dir) as store:
        web.serve_forever(
            cfg,
            store,
            listen=listen,
            on_ready=lambda url: click.echo(f"watcher: serving on {url}/", err=True),
        )


# Annotated so that type checkers know it while watcher.cli (which imports it) is half-loaded.
serve: click.Command = click.command("serve")(_serve)
