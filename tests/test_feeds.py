"""The Atom feeds, read by a real feed parser (feedparser) and checked against RFC 4287."""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import feedparser  # type: ignore[import-untyped]
import pytest

from conftest import PageServer
from tests.test_web_support import (
    HOSTILE,
    World,
    open_world,
)


@pytest.fixture
def web_world(pages: PageServer, tmp_path: Path) -> Iterator[World]:
    yield from open_world(pages, tmp_path)


A = "{http://www.w3.org/2005/Atom}"

FEEDS = [
    "/feeds/changes.atom",
    "/feeds/targets/jetvpn/privacy.atom",
    "/feeds/targets/acme/terms.atom",
    "/feeds/providers/Jet%20VPN.atom",
    "/feeds/providers/jetvpn.atom",
    "/feeds/groups/ngo.atom",
    "/feeds/groups/press.atom",
    "/feeds/severity/critical.atom",
    "/feeds/severity/cosmetic.atom",
]


def ids_of(w: World, path: str) -> list[str]:
    return [e.id for e in feedparser.parse(w.get(path).content).entries]


@pytest.mark.parametrize("path", FEEDS)
def test_feed_is_valid_atom(web_world: World, path: str) -> None:
    """Well-formed XML; the elements RFC 4287 requires; unique ids; feedparser reads it cleanly."""
    r = web_world.get(path)
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/atom+xml; charset=utf-8"
    root = ET.fromstring(r.content)
    assert root.tag == f"{A}feed"
    for tag in ("id", "title", "updated"):
        assert root.find(f"{A}{tag}") is not None, tag
    assert root.find(f"{A}author/{A}name") is not None  # so entries need no author of their own
    self_link = root.find(f"{A}link[@rel='self']")
    assert self_link is not None
    assert self_link.get("href") == "http://watcher.example" + path.replace("%20", "%20")
    ids = []
    for entry in root.findall(f"{A}entry"):
        for tag in ("id", "title", "updated", "content", "summary"):
            assert entry.find(f"{A}{tag}") is not None, tag
        ids.append(entry.findtext(f"{A}id"))
    assert len(ids) == len(set(ids))

    parsed = feedparser.parse(r.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.title and parsed.feed.id and parsed.feed.updated
    for e in parsed.entries:
        assert e.id and e.title and e.updated and e.author == "watcher"


def test_entry_carries_the_change(web_world: World) -> None:
    """Summary, verdict, reasons and the word diff are in the entry, as HTML content."""
    parsed = feedparser.parse(web_world.get("/feeds/changes.atom").content)
    assert len(parsed.entries) == 1
    e = parsed.entries[0]
    assert e.link == f"http://watcher.example/changes/{web_world.change_id}"
    assert e.id == e.link
    assert e.title.startswith("Jet VPN privacy policy: critical: VPN logging:")
    assert {t.term for t in e.tags} >= {"severity:critical", "direction:weakens", "vpn-logging"}
    content = e.content[0]
    assert content.type == "text/html"
    assert "critical, weakens" in content.value
    assert "negation removed" in content.value
    assert "<del>do not </del>" in content.value
    assert "<ins>" in content.value


def test_hostile_text_is_inert_in_feeds(web_world: World) -> None:
    """<script> and ]]> from a watched page are text in the feed's XML and in its HTML content."""
    raw = web_world.get("/feeds/changes.atom").content
    assert b"<script" not in raw and b"]]>" not in raw and b"CDATA" not in raw
    root = ET.fromstring(raw)
    content = root.findtext(f"{A}entry/{A}content")
    assert content is not None
    # One level of unescaping (the XML) gives HTML in which the page's text is still escaped.
    assert "<script" not in content
    assert html.escape(HOSTILE, quote=True) in content
    assert "<ins>" + html.escape(HOSTILE, quote=True) + "</ins>" in content
    parsed = feedparser.parse(raw)
    assert "<script" not in parsed.entries[0].content[0].value


def test_group_feed_applies_the_group_filters(web_world: World) -> None:
    """ngo follows everything from minor up; press only follows Acme Cloud."""
    assert ids_of(web_world, "/feeds/groups/ngo.atom") == [
        f"http://watcher.example/changes/{web_world.change_id}"
    ]
    assert ids_of(web_world, "/feeds/groups/press.atom") == []
    assert web_world.get("/feeds/groups/nobody.atom").status_code == 404


def test_per_target_provider_and_severity_feeds(web_world: World) -> None:
    one = [f"http://watcher.example/changes/{web_world.change_id}"]
    assert ids_of(web_world, "/feeds/targets/jetvpn/privacy.atom") == one
    assert ids_of(web_world, "/feeds/targets/acme/terms.atom") == []
    assert ids_of(web_world, "/feeds/providers/Jet%20VPN.atom") == one
    assert ids_of(web_world, "/feeds/providers/jet%20vpn.atom") == one
    assert ids_of(web_world, "/feeds/providers/Acme%20Cloud.atom") == []
    assert ids_of(web_world, "/feeds/severity/critical.atom") == one
    assert ids_of(web_world, "/feeds/severity/minor.atom") == one
    assert web_world.get("/feeds/severity/huge.atom").status_code == 404
    assert web_world.get("/feeds/providers/nobody.atom").status_code == 404
    assert web_world.get("/feeds/targets/no/body.atom").status_code == 404


def test_feed_index_lists_every_feed(web_world: World) -> None:
    page = web_world.get("/feeds/").text
    for href in [
        "/feeds/changes.atom",
        "/feeds/targets/jetvpn/privacy.atom",
        "/feeds/targets/acme/terms.atom",
        "/feeds/providers/Jet%20VPN.atom",
        "/feeds/providers/Acme%20Cloud.atom",
        "/feeds/groups/ngo.atom",
        "/feeds/groups/press.atom",
        "/feeds/severity/minor.atom",
        "/feeds/severity/critical.atom",
    ]:
        assert f'href="{href}"' in page, href
        assert web_world.get(href).status_code == 200, href


def test_pages_announce_their_feeds(web_world: World) -> None:
    for path, feed in [
        ("/", "/feeds/changes.atom"),
        ("/targets/jetvpn/privacy", "/feeds/targets/jetvpn/privacy.atom"),
        (f"/changes/{web_world.change_id}", "/feeds/targets/jetvpn/privacy.atom"),
    ]:
        page = web_world.get(path).text
        assert 'type="application/atom+xml" title=' in page
        assert f'href="{feed}"' in page


def test_feed_keeps_the_newest_entries_first(web_world: World) -> None:
    from tests.test_web_support import PARAS, policy_html

    web_world.pages.set("/jet", policy_html([p.replace("never sell", "sell") for p in PARAS]))
    second = web_world.check("jetvpn/privacy")
    assert second.change_id is not None
    parsed = feedparser.parse(web_world.get("/feeds/changes.atom").content)
    assert [e.id.rsplit("/", 1)[1] for e in parsed.entries] == [
        str(second.change_id),
        str(web_world.change_id),
    ]
    assert parsed.feed.updated == parsed.entries[0].updated
