"""The HTML pages: the targets, a target's history, a change with its evidence, the feed list.

Each function returns a whole page as a string; every value that comes from the store or the
config goes through ``esc`` (see ``markup``). No JavaScript; one hashed inline stylesheet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from watcher.models import Outcome, Severity, StoredChange, Target
from watcher.store import CheckRow
from watcher.web.fragments import finding, headline, hunk_html, verdict_line
from watcher.web.markup import badge, esc, page, url_part, when
from watcher.web.site import NotFound, Site

# -- the targets ---------------------------------------------------------------------------------


def targets_page(site: Site) -> str:
    rows = []
    for t in site.targets():
        s = site.store.target_summary(t.id)
        last_change = site.store.changes(t.id, limit=1)
        rows.append((t, s, last_change[0] if last_change else None))
    # Failing targets first (longest streak first), then by provider and document.
    rows.sort(key=lambda r: (-int(r[1]["failing"] or 0), r[0].provider.lower(), r[0].id))
    body = [
        "<h1>Targets</h1>",
        f'<p class="muted">{len(rows)} watched document{"s" if len(rows) != 1 else ""}. '
        'Every change: <a href="/feeds/changes.atom">Atom feed</a> · '
        '<a href="/feeds/">all feeds</a></p>',
    ]
    if not rows:
        body.append("<p>No targets yet: add some to the config and run a check.</p>")
    else:
        body.append(
            '<table class="list"><thead><tr><th>Provider</th><th>Document</th>'
            "<th>Last check</th><th>Last change</th></tr></thead><tbody>"
        )
        for t, s, sc in rows:
            body.append(_target_row(t, s, sc))
        body.append("</tbody></table>")
    return page("Targets", "\n".join(body), feeds=[("watcher: all changes", "/feeds/changes.atom")])


def _target_row(t: Target, s: dict[str, Any], sc: StoredChange | None) -> str:
    failing = int(s["failing"] or 0)
    href = f"/targets/{url_part(t.id)}"
    check = '<span class="muted">never checked</span>'
    if s["last_check"]:
        check = (
            f"{when(datetime.fromisoformat(s['last_check']))} {badge('outcome', s['last_outcome'])}"
        )
        if s["last_cause"]:
            check += f' <span class="muted">{esc(s["last_cause"])}</span>'
        if failing:
            check += (
                f" <strong>{failing} failing check{'s' if failing != 1 else ''} in a row</strong>"
            )
    change = '<span class="muted">none yet</span>'
    if sc is not None:
        change = (
            f'<a href="/changes/{sc.id}">{when(sc.created_at)}</a> '
            f"{badge('severity', sc.verdict.severity.value)} "
            f"{esc(_shorten(headline(sc.change, sc.verdict), 140))}"
        )
    return (
        f'<tr class="{"failing" if failing else "ok"}">'
        f'<td data-label="Provider">{esc(t.provider)}</td>'
        f'<td data-label="Document"><a href="{href}">{esc(t.name or t.id)}</a>'
        f'<br><code class="muted">{esc(t.id)}</code></td>'
        f'<td data-label="Last check">{check}</td>'
        f'<td data-label="Last change">{change}</td></tr>'
    )


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# -- a target's history --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Event:
    at: datetime
    kind: str  # first | change | flip | version | error | anomaly
    html: str


def target_page(site: Site, target_id: str) -> str:
    t = site.target(target_id)
    if t is None:
        raise NotFound(f"No target {target_id!r}.")
    store = site.store
    s = store.target_summary(t.id)
    versions = store.version_index(t.id, limit=500)
    changes = {c.new_seq: c for c in store.changes(t.id, limit=500)}
    checks = store.checks(t.id, limit=1000)
    events = [_version_event(t.id, v, changes.get(v["seq"])) for v in versions]
    events += _problem_events(checks)
    events.sort(key=lambda e: e.at, reverse=True)

    feed = f"/feeds/targets/{url_part(t.id)}.atom"
    body = [f"<h1>{esc(site.title(t.id))}</h1>"]
    facts = [f"<code>{esc(t.id)}</code>", esc(t.provider)]
    if t.url.startswith(("http://", "https://")):
        facts.append(f'<a href="{esc(t.url)}" rel="noopener noreferrer nofollow">{esc(t.url)}</a>')
    elif not t.url:
        facts.append("no longer in the config")
    body.append(f'<p class="meta">{" · ".join(facts)}</p>')
    status = []
    if s["last_check"]:
        status.append(
            f"last check {when(datetime.fromisoformat(s['last_check']))} "
            f"{badge('outcome', s['last_outcome'])}"
        )
    if s["failing"]:
        status.append(f"<strong>failing: {int(s['failing'])} checks in a row</strong>")
    status.append(f"{s['versions']} version{'s' if s['versions'] != 1 else ''}")
    status.append(f'<a href="{feed}">Atom feed of its changes</a>')
    body.append(f"<p>{' · '.join(status)}</p>")
    body.append("<h2>History</h2>")
    if events:
        body.append(
            '<ol class="timeline">'
            + "".join(f'<li class="ev-{e.kind}">{e.html}</li>' for e in events)
            + "</ol>"
        )
    else:
        body.append("<p>Nothing recorded yet.</p>")
    return page(
        site.title(t.id),
        "\n".join(body),
        crumbs=[("Targets", "/")],
        feeds=[(f"watcher: {site.title(t.id)}", feed)],
    )


def _version_event(target_id: str, v: dict[str, Any], sc: StoredChange | None) -> _Event:
    seq = int(v["seq"])
    text_link = f'<a href="/targets/{url_part(target_id)}/versions/{seq}.txt">text</a>'
    raw = v["raw_sha256"]
    raw_link = f' · <a href="/raw/{esc(raw)}">raw body</a>' if raw else ""
    label = f"<strong>version {seq}</strong> {when(v['captured_at'])}"
    links = f'<span class="meta">{text_link}{raw_link}</span>'
    if v["flip_of"]:
        return _Event(
            v["captured_at"],
            "flip",
            f"{label} {badge('note', 'flip-back')} the text went back to version "
            f"{int(v['flip_of'])}; kept, not alerted. {links}",
        )
    if sc is not None:
        note = f" {badge('note', sc.note)}" if sc.note else ""
        return _Event(
            v["captured_at"],
            "change",
            f'{label} <a href="/changes/{sc.id}">change #{sc.id}</a> '
            f"{verdict_line(sc.verdict)}{note}<br>{esc(headline(sc.change, sc.verdict))} {links}",
        )
    if seq == 1:
        return _Event(v["captured_at"], "first", f"{label} first version {links}")
    note = f" {badge('note', v['note'])}" if v["note"] else ""
    return _Event(v["captured_at"], "version", f"{label}{note} {links}")


def _problem_events(checks: list[CheckRow]) -> list[_Event]:
    """Errors and anomalies, with runs of the same cause folded into one event."""
    out: list[_Event] = []
    run: list[CheckRow] = []

    def flush() -> None:
        if not run:
            return
        first, last = run[-1], run[0]  # checks come newest first
        kind = last.outcome.value
        times = when(first.started_at)
        if len(run) > 1:
            times = f"{len(run)} checks, {when(first.started_at)} to {when(last.started_at)}"
        status = f" HTTP {last.status}" if last.status else ""
        text = f"{badge('outcome', kind)} {esc(last.cause or '')}{status} · {times}"
        if last.message:
            text += f'<br><span class="meta">{esc(_shorten(last.message, 300))}</span>'
        out.append(_Event(last.started_at, kind, text))
        run.clear()

    for c in checks:
        if c.outcome in (Outcome.ERROR, Outcome.ANOMALY):
            if run and (run[0].outcome, run[0].cause) != (c.outcome, c.cause):
                flush()
            run.append(c)
        else:
            flush()
    flush()
    return out


# -- a change ------------------------------------------------------------------------------------


def change_page(site: Site, change_id: int, *, side: bool) -> str:
    sc = site.store.change(change_id)
    if sc is None:
        raise NotFound(f"No change #{change_id}.")
    tid = sc.target_id
    title = site.title(tid)
    v = sc.verdict
    here = f"/changes/{sc.id}"
    body = [
        f"<h1>{esc(headline(sc.change, v))}</h1>",
        f'<p class="meta"><a href="/targets/{url_part(tid)}">{esc(title)}</a> · '
        f"version {sc.old_seq} → {sc.new_seq} · {when(sc.created_at)}</p>",
        f"<p>{verdict_line(v)}</p>",
    ]
    if sc.note:
        body.append(f"<p>{badge('note', sc.note)}</p>")
    if sc.change.timed_out:
        body.append('<p class="meta">The diff ran out of time: some hunks are shown whole.</p>')
    n = len(sc.change.hunks)
    views = (
        f'<a href="{here}"{" aria-current=page" if not side else ""}>inline</a> · '
        f'<a href="{here}?view=side"{" aria-current=page" if side else ""}>side by side</a>'
    )
    body.append(
        f"<h2>What changed ({n} hunk{'s' if n != 1 else ''})</h2>"
        f'<nav class="views meta">View: {views}</nav>'
    )
    body.extend(
        hunk_html(h, finding(sc, i), side=side, anchor=f"h{i + 1}")
        for i, h in enumerate(sc.change.hunks)
    )
    body.append("<h2>Evidence</h2>")
    body.append('<div class="cols">')
    for label, seq in (("Before", sc.old_seq), ("After", sc.new_seq)):
        body.append(_evidence(site, tid, label, seq))
    body.append("</div>")
    feed = f"/feeds/targets/{url_part(tid)}.atom"
    body.append(f'<p class="meta"><a href="{feed}">Atom feed of this target\'s changes</a></p>')
    return page(
        f"{title}: {headline(sc.change, v)}",
        "\n".join(body),
        crumbs=[("Targets", "/"), (title, f"/targets/{url_part(tid)}")],
        feeds=[(f"watcher: {title}", feed)],
    )


def _evidence(site: Site, target_id: str, label: str, seq: int) -> str:
    ev = site.store.version_evidence(target_id, seq)
    if ev is None:
        return f'<div class="card"><h3>{esc(label)}: version {seq}</h3><p>Not stored.</p></div>'
    rows = [
        ("fetched", when(ev["captured_at"])),
        ("HTTP status", esc(ev["status"]) if ev["status"] is not None else "—"),
    ]
    if ev["url"]:
        rows.append(("URL", f"<code>{esc(ev['url'])}</code>"))
    if ev["raw_sha256"]:
        size = f" ({int(ev['raw_size'])} bytes, {esc(ev['raw_type'] or 'unknown type')})"
        rows.append(
            (
                "raw body",
                f'<a href="/raw/{esc(ev["raw_sha256"])}">download</a>{size}<br>'
                f"sha256 <code>{esc(ev['raw_sha256'])}</code>",
            )
        )
    else:
        rows.append(("raw body", "not kept"))
    rows.append(
        (
            "text",
            f'<a href="/targets/{url_part(target_id)}/versions/{seq}.txt">download</a>'
            f" ({int(ev['chars'])} characters)<br>sha256 <code>{esc(ev['text_sha256'])}</code>",
        )
    )
    rows.append(("extractor", f"<code>{esc(ev['extractor'])}</code>"))
    items = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
    return (
        f'<div class="card"><h3>{esc(label)}: version {seq}</h3>'
        f'<dl class="evidence">{items}</dl></div>'
    )


# -- the feed list -------------------------------------------------------------------------------


def feeds_page(site: Site) -> str:
    def item(href: str, label: str, note: str = "") -> str:
        extra = f' <span class="muted">{esc(note)}</span>' if note else ""
        return f'<li><a href="{esc(href)}">{esc(label)}</a>{extra}</li>'

    targets = site.targets()
    providers = sorted({t.provider for t in targets}, key=str.lower)
    body = [
        "<h1>Feeds</h1>",
        "<p>Atom feeds that carry each change: its summary, verdict and diff.</p>",
    ]
    body.append("<ul>" + item("/feeds/changes.atom", "Every change") + "</ul>")
    body.append("<h2>By minimum severity</h2><ul>")
    body += [
        item(f"/feeds/severity/{s.value}.atom", f"{s.value} and above")
        for s in Severity
        if s is not Severity.NONE
    ]
    body.append("</ul>")
    if site.config.groups:
        body.append("<h2>By subscriber group</h2><ul>")
        for g in site.config.groups:
            note = f"min {g.min_severity.value}"
            if g.categories:
                note += "; " + ", ".join(sorted(g.categories))
            body.append(item(f"/feeds/groups/{url_part(g.name)}.atom", g.name, note))
        body.append("</ul>")
    body.append("<h2>By provider</h2><ul>")
    body += [item(f"/feeds/providers/{url_part(p)}.atom", p) for p in providers]
    body.append("</ul><h2>By target</h2><ul>")
    body += [item(f"/feeds/targets/{url_part(t.id)}.atom", site.title(t.id), t.id) for t in targets]
    body.append("</ul>")
    return page(
        "Feeds",
        "\n".join(body),
        crumbs=[("Targets", "/")],
        feeds=[("watcher: all changes", "/feeds/changes.atom")],
    )


def not_found_page(message: str) -> str:
    return page("Not found", f"<h1>Not found</h1><p>{esc(message)}</p>")
