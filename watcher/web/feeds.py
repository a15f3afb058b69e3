"""Atom feeds (RFC 4287) that carry the change itself: headline, verdict, reasons and the diff.

The diff goes in ``<content type="html">``: the HTML is built from escaped text, then escaped
once more as XML character data, never wrapped in CDATA, so a policy that contains ``]]>`` or
``<script>`` cannot end the element or reach a feed reader as markup.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from watcher.alert import group_follows, group_wants
from watcher.models import Severity, StoredChange
from watcher.web.fragments import feed_hunk_html, finding, headline
from watcher.web.markup import url_part, xml_text
from watcher.web.site import NotFound, Site

FEED_SIZE = 50
MAX_HUNKS = 100  # per entry; the rest is a link to the change page


def _iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def entry_html(site: Site, sc: StoredChange) -> str:
    v = sc.verdict
    judgement = f"{v.severity.value}, {v.direction.value}"
    if v.categories:
        judgement += " [" + ", ".join(c.value for c in v.categories) + "]"
    out = [
        f"<p><strong>{xml_text(headline(sc.change, v))}</strong></p>",
        f"<p>{xml_text(judgement)} · version {sc.old_seq} → {sc.new_seq}</p>",
    ]
    if sc.note:
        out.append(f"<p>{xml_text(sc.note)}</p>")
    hunks = sc.change.hunks
    out += [feed_hunk_html(h, finding(sc, i)) for i, h in enumerate(hunks[:MAX_HUNKS])]
    link = site.link(f"/changes/{sc.id}")
    if len(hunks) > MAX_HUNKS:
        out.append(
            f'<p><a href="{xml_text(link)}">{len(hunks) - MAX_HUNKS} more hunks on the '
            "change page</a></p>"
        )
    out.append(f'<p><a href="{xml_text(link)}">The change, with its evidence</a></p>')
    return "".join(out)


def atom(
    site: Site, path: str, title: str, alternate: str, changes: Iterable[StoredChange]
) -> bytes:
    """A whole feed. ``path`` is the feed's own path; ``alternate`` the page it mirrors."""
    entries = list(changes)
    updated = max((c.created_at for c in entries), default=datetime(1970, 1, 1, tzinfo=UTC))
    x = xml_text
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"<id>{x(site.link(path))}</id>",
        f"<title>{x(title)}</title>",
        f"<updated>{_iso(updated)}</updated>",
        "<author><name>watcher</name></author>",
        "<generator>watcher</generator>",
        f'<link rel="self" type="application/atom+xml" href="{x(site.link(path))}"/>',
        f'<link rel="alternate" type="text/html" href="{x(site.link(alternate))}"/>',
    ]
    for sc in entries:
        target_title = site.title(sc.target_id)
        v = sc.verdict
        link = site.link(f"/changes/{sc.id}")
        out += [
            "<entry>",
            f"<id>{x(link)}</id>",
            f"<title>{x(f'{target_title}: {v.severity.value}: {headline(sc.change, v)}')}</title>",
            f"<updated>{_iso(sc.created_at)}</updated>",
            f"<published>{_iso(sc.created_at)}</published>",
            "<author><name>watcher</name></author>",
            f'<link rel="alternate" type="text/html" href="{x(link)}"/>',
            f'<category term="severity:{x(v.severity.value)}" label="{x(v.severity.value)}"/>',
            f'<category term="direction:{x(v.direction.value)}"/>',
            *(f'<category term="{x(c.value)}"/>' for c in v.categories),
            f"<summary>{x(headline(sc.change, v))}</summary>",
            f'<content type="html">{x(entry_html(site, sc))}</content>',
            "</entry>",
        ]
    out.append("</feed>\n")
    return "\n".join(out).encode("utf-8")


def all_changes(site: Site) -> bytes:
    return atom(
        site,
        "/feeds/changes.atom",
        "watcher: every change",
        "/",
        site.store.changes(limit=FEED_SIZE),
    )


def target_feed(site: Site, target_id: str) -> bytes:
    t = site.target(target_id)
    if t is None:
        raise NotFound(f"No target {target_id!r}.")
    return atom(
        site,
        f"/feeds/targets/{url_part(t.id)}.atom",
        f"watcher: {site.title(t.id)}",
        f"/targets/{url_part(t.id)}",
        site.store.changes(t.id, limit=FEED_SIZE),
    )


def provider_feed(site: Site, name: str) -> bytes:
    key = name.lower()
    ids = [t.id for t in site.targets() if key in (t.provider.lower(), t.id.split("/")[0])]
    if not ids:
        raise NotFound(f"No provider {name!r}.")
    provider = next(t.provider for t in site.targets() if t.id == ids[0])
    return atom(
        site,
        f"/feeds/providers/{url_part(name)}.atom",
        f"watcher: {provider}",
        "/",
        site.store.changes_page(target_ids=ids, limit=FEED_SIZE),
    )


def severity_feed(site: Site, minimum: str) -> bytes:
    try:
        floor = Severity(minimum)
    except ValueError:
        raise NotFound(
            f"No severity {minimum!r} (one of {', '.join(s.value for s in Severity)})."
        ) from None
    wanted = [s.value for s in Severity if s.rank >= floor.rank]
    return atom(
        site,
        f"/feeds/severity/{floor.value}.atom",
        f"watcher: changes of severity {floor.value} and above",
        "/",
        site.store.changes_page(severities=wanted, limit=FEED_SIZE),
    )


def group_feed(site: Site, name: str) -> bytes:
    """What the group is sent: its targets, severities, categories and directions."""
    group = next((g for g in site.config.groups if g.name == name), None)
    if group is None:
        raise NotFound(f"No group {name!r}.")
    ids = [t.id for t in site.config.targets if group_follows(group, t)]
    wanted = [s.value for s in Severity if s.rank >= group.min_severity.rank]
    found: list[StoredChange] = []
    before: int | None = None
    for _ in range(20):  # category and direction filters are applied here, page by page
        batch = site.store.changes_page(
            target_ids=ids, severities=wanted, before_id=before, limit=FEED_SIZE * 2
        )
        found += [c for c in batch if group_wants(group, c.verdict)]
        if len(found) >= FEED_SIZE or len(batch) < FEED_SIZE * 2:
            break
        before = batch[-1].id
    return atom(
        site,
        f"/feeds/groups/{url_part(name)}.atom",
        f"watcher: changes for {name}",
        "/feeds/",
        found[:FEED_SIZE],
    )
