"""The web front over real HTTP: pages, raw evidence, headers, methods, escaping."""

from __future__ import annotations

from tests.test_web_support import HOSTILE, World, web_world  # noqa: F401


def test_smoke(web_world: World) -> None:
    w = web_world
    for path in [
        "/",
        "/targets/jetvpn/privacy",
        f"/changes/{w.change_id}",
        "/feeds/changes.atom",
        "/metrics",
        "/healthz",
        "/feeds/",
    ]:
        r = w.get(path)
        print(path, r.status_code, r.headers.get("content-type"))
        print(r.text[:3000])
