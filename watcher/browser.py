"""Fetch a page that builds its policy with JavaScript, in headless Chromium.

Some providers serve an empty shell and fill the policy in with JavaScript; for those targets
(``render = "browser"``) :func:`watcher.fetch.fetch` calls :func:`render` here instead of httpx.
This module is imported only for such targets, so Playwright stays an optional dependency.

We drive the system's Chromium (Debian's ``/usr/bin/chromium``) through Playwright, never a
browser Playwright downloads: the operator's package manager keeps it patched, and a service
should not fetch executables at run time. The flags turn off everything a one-shot headless
render does not need (GPU, QUIC, sync, component updates, background requests) and the sandbox,
which needs user namespaces that a hardened systemd unit does not grant.
"""

from __future__ import annotations

import contextlib
import http
import os
import time
from datetime import UTC, datetime

from watcher.errors import FetchError
from watcher.fetch import user_agent
from watcher.models import Fetched, FetchSettings, Target

__all__ = ["CHROMIUM", "CHROMIUM_FLAGS", "render"]

CHROMIUM = "/usr/bin/chromium"
"""The system Chromium; install it with the OS package manager (``apt-get install chromium``)."""

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

_SETTLE_SHARE = 0.25
"""After ``load``, wait at most this share of the budget for the network to go idle: scripts
that fetch the policy text need it, but a page that polls forever must not use the whole budget."""


def render(target: Target, settings: FetchSettings, *, executable: str = CHROMIUM) -> Fetched:
    """Load ``target.url`` in headless Chromium and return the rendered DOM as ``text/html``.

    One browser per call: a launch costs about a second, which is nothing next to a check
    interval of hours, and it keeps Playwright's thread-bound objects inside one worker thread.
    """
    if not target.url.startswith(("http://", "https://")):
        # A browser would happily open file:// or chrome:// URLs; a policy is always on the web.
        raise FetchError(f"{target.url}: not an http(s) URL", cause="connect")
    if not os.access(executable, os.X_OK):
        raise FetchError(
            f'{target.url}: this target needs a browser (render = "browser") but Chromium is '
            f"not installed at {executable} (install the OS package: apt-get install chromium)",
            cause="browser",
        )
    try:
        # The ignores keep mypy quiet where the optional package is absent (unused elsewhere).
        import playwright.sync_api as pw  # type: ignore[import-not-found, unused-ignore]
    except ImportError as exc:
        raise FetchError(
            f'{target.url}: this target needs a browser (render = "browser") but the '
            "playwright package is not installed (pip install playwright; no browser download "
            "is needed)",
            cause="browser",
        ) from exc

    budget_ms = settings.browser_timeout * 1000
    started = time.monotonic()
    try:
        with pw.sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=executable,
                headless=True,
                args=list(CHROMIUM_FLAGS),
                timeout=budget_ms,
                proxy={"server": settings.proxy} if settings.proxy else None,
            )
            try:
                context = browser.new_context(
                    user_agent=user_agent(settings),
                    locale="en-US",
                    accept_downloads=False,
                )
                page = context.new_page()
                page.set_default_timeout(budget_ms)
                response = page.goto(target.url, wait_until="load", timeout=budget_ms)
                # Still busy after that (analytics, long polling): the DOM we have is the page.
                with contextlib.suppress(pw.TimeoutError):
                    page.wait_for_load_state("networkidle", timeout=budget_ms * _SETTLE_SHARE)
                status = response.status if response is not None else 200
                if status >= 400:
                    raise _status_error(status, page.url)
                html = page.content()
                final_url = page.url
            finally:
                browser.close()
    except pw.TimeoutError as exc:
        raise FetchError(
            f"{target.url}: the page did not load in the browser within "
            f"{settings.browser_timeout:g} s (fetch.browser_timeout)",
            cause="timeout",
            transient=True,
        ) from exc
    except pw.Error as exc:
        raise FetchError(
            f"{target.url}: the browser could not load the page: {_first_line(exc)}",
            cause="browser",
            transient=True,
        ) from exc
    body = html.encode("utf-8")
    if len(body) > settings.max_bytes:
        raise FetchError(
            f"{final_url}: the rendered page is larger than the {settings.max_bytes:,}-byte cap "
            "(fetch.max_bytes)",
            cause="too-large",
            status=status,
        )
    return Fetched(
        url=final_url,
        status=status,
        content_type="text/html",
        body=body,
        fetched_at=datetime.now(UTC),
        charset="utf-8",
        elapsed=time.monotonic() - started,
    )


def _status_error(status: int, url: str) -> FetchError:
    try:
        phrase = http.HTTPStatus(status).phrase
    except ValueError:
        phrase = "Unknown Status"
    return FetchError(
        f"{status} {phrase}: the site refused the page in the browser: {url}",
        cause="http-status",
        status=status,
        transient=status == 429 or status >= 500,
    )


def _first_line(exc: Exception) -> str:
    """Playwright errors carry a multi-line call log; the first line is the one people need."""
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
