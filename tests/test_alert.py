"""Routing: which groups follow a target and want a change (pure functions, no I/O)."""

from __future__ import annotations

from watcher.alert import group_follows, group_wants, route_change, route_failure
from watcher.config import Group
from watcher.models import Category, Direction, Severity, Target, TargetId, Verdict

JET = Target(
    TargetId("jetvpn/privacy"), "https://jet.example/p", "Jet VPN", tags=frozenset({"vpn"})
)


def verdict(
    severity: Severity, direction: Direction = Direction.WEAKENS, *cats: Category
) -> Verdict:
    return Verdict(severity, direction, cats, "summary", ())


def group(**kw: object) -> Group:
    return Group(name=str(kw.pop("name", "g")), notify=("json://127.0.0.1/x",), **kw)  # type: ignore[arg-type]


def test_unscoped_group_follows_every_target() -> None:
    assert group_follows(group(), JET)


def test_group_follows_by_provider_case_insensitively_by_id_or_by_tag() -> None:
    assert group_follows(group(providers=frozenset({"jet vpn"})), JET)
    assert group_follows(group(targets=frozenset({"jetvpn/privacy"})), JET)
    assert group_follows(group(tags=frozenset({"vpn", "cloud"})), JET)
    assert not group_follows(group(providers=frozenset({"Other"}), tags=frozenset({"cloud"})), JET)


def test_default_min_severity_is_major() -> None:
    g = group()
    assert g.min_severity is Severity.MAJOR
    assert group_wants(g, verdict(Severity.MAJOR))
    assert not group_wants(g, verdict(Severity.MINOR))
    assert not group_wants(g, verdict(Severity.COSMETIC))


def test_category_and_direction_filters() -> None:
    g = group(categories=frozenset({"sharing"}), directions=frozenset({"weakens"}))
    assert group_wants(g, verdict(Severity.CRITICAL, Direction.WEAKENS, Category.SHARING))
    assert not group_wants(g, verdict(Severity.CRITICAL, Direction.WEAKENS, Category.RETENTION))
    assert not group_wants(g, verdict(Severity.CRITICAL, Direction.STRENGTHENS, Category.SHARING))


def test_route_change_gives_one_item_per_matching_group_keyed_by_change_and_group() -> None:
    groups = [group(name="a"), group(name="b", providers=frozenset({"Other"})), group(name="c")]
    items = route_change(groups, JET, verdict(Severity.CRITICAL), {"x": 1})
    assert [(i.group, i.key) for i in items] == [
        ("a", "change:{change_id}:a"),
        ("c", "change:{change_id}:c"),
    ]


def test_route_failure_skips_groups_that_opted_out() -> None:
    groups = [group(name="a"), group(name="b", failures=False)]
    items = route_failure(groups, JET, "7", {}, "failure")
    assert [(i.group, i.key) for i in items] == [("a", "failure:jetvpn/privacy:7:a")]
