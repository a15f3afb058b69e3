"""Config: TOML in, frozen validated values out; every error names its key path."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from watcher import config
from watcher.errors import ConfigError
from watcher.models import Severity

REPO = Path(__file__).resolve().parent.parent

TARGET = {"id": "jetvpn/privacy", "url": "https://example.org/privacy", "provider": "Jet VPN"}


def parse(**tables: object) -> config.Config:
    return config.parse(tables)


def error(**tables: object) -> str:
    with pytest.raises(ConfigError) as exc:
        config.parse(tables)
    return str(exc.value)


def test_example_config_loads() -> None:
    cfg = config.load(REPO / "config.example.toml")
    assert cfg.targets and cfg.groups
    assert cfg.settings.state_dir == REPO / "state"


def test_target_defaults() -> None:
    t = parse(targets=[TARGET]).targets[0]
    assert t.interval == timedelta(hours=6)
    assert t.cron is None and t.render == "http"
    assert t.title == "Jet VPN"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("6h", timedelta(hours=6)),
        ("30m", timedelta(minutes=30)),
        ("1d12h", timedelta(days=1.5)),
        ("90s", timedelta(seconds=90)),
        ("6 hours", None),
        ("", None),
        ("h", None),
    ],
)
def test_parse_duration(text: str, expected: timedelta | None) -> None:
    assert config.parse_duration(text) == expected


def test_unknown_key_names_path_and_allowed_keys() -> None:
    msg = error(targets=[{**TARGET, "selctor": "main"}])
    assert msg.startswith('targets[0]: unknown key "selctor"')
    assert "select" in msg and "allowed" in msg


def test_unknown_top_level_table() -> None:
    assert error(watcherr={}).startswith('top level: unknown key "watcherr"')


def test_bad_duration_names_path_and_value() -> None:
    msg = error(targets=[{**TARGET, "interval": "6 hours"}])
    assert msg == 'targets[0].interval: expected a duration like "6h" or "30m", got \'6 hours\''


def test_wrong_type() -> None:
    assert error(targets=[{**TARGET, "tags": 3}]).startswith("targets[0].tags: expected a list")
    assert "expected a whole number" in error(watcher={"concurrency": "4"})


def test_duplicate_target_ids() -> None:
    msg = error(targets=[TARGET, TARGET])
    assert msg.startswith("targets[1].id: duplicate id 'jetvpn/privacy'")


def test_bad_id_url_cron() -> None:
    assert "targets[0].id" in error(targets=[{**TARGET, "id": "Jet VPN"}])
    assert "targets[0].url" in error(targets=[{**TARGET, "url": "ftp://x"}])
    assert "targets[0].cron" in error(targets=[{**TARGET, "cron": "every day"}])
    assert "not both" in error(targets=[{**TARGET, "cron": "0 * * * *", "interval": "1h"}])


def test_missing_required_key() -> None:
    assert error(targets=[{"id": "a/b"}]) == "targets[0]: missing required key 'url'"


def test_invalid_css_selector_is_a_config_error() -> None:
    msg = error(targets=[{**TARGET, "remove": [".ok", "div[["]}])
    assert msg.startswith("targets[0].remove[1]: 'div[[' is not a valid CSS selector")


def test_invalid_ignore_regex() -> None:
    assert error(targets=[{**TARGET, "ignore": ["("]}]).startswith("targets[0].ignore[0]:")


def test_group_validation() -> None:
    g = {"name": "ngo", "notify": ["json://localhost/x"]}
    parsed = parse(groups=[g]).groups[0]
    assert parsed.min_severity is Severity.MAJOR and parsed.delivery == "immediate"
    assert "groups[0].min_severity" in error(groups=[{**g, "min_severity": "huge"}])
    assert "groups[0].categories[0]: unknown category 'logs'" in error(
        groups=[{**g, "categories": ["logs"]}]
    )
    assert "groups[0].notify" in error(groups=[{**g, "notify": []}])
    assert "duplicate name" in error(groups=[g, g])


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such config file"):
        config.load(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[watcher\nstate_dir = 1\n")
    with pytest.raises(ConfigError, match="invalid TOML"):
        config.load(bad)
    with pytest.raises(ConfigError, match="is a directory"):
        config.load(tmp_path)


def test_state_dir_is_relative_to_the_config_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WATCHER_STATE_DIR", raising=False)
    path = tmp_path / "c.toml"
    path.write_text('[watcher]\nstate_dir = "st"\n')
    assert config.load(path).settings.state_dir == tmp_path / "st"
    monkeypatch.setenv("WATCHER_STATE_DIR", "/var/lib/watcher")
    assert config.load(path).settings.state_dir == Path("/var/lib/watcher")


def test_masked_hides_secrets_but_not_variable_names() -> None:
    cfg = parse(
        targets=[TARGET],
        groups=[
            {
                "name": "g",
                "notify": [
                    "slack://TokenA/TokenB/TokenC",
                    "${SLACK_URL}",
                    "mailto://user:hunter2@smtp.example.org?to=a@b.c",
                ],
            }
        ],
    )
    text = repr(config.masked(cfg))
    assert "TokenB" not in text and "hunter2" not in text
    assert "${SLACK_URL}" in text and "smtp.example.org" in text
    assert config.mask_url("credential:watcher_telegram") == "credential:watcher_telegram"


def test_config_is_frozen() -> None:
    cfg = parse(targets=[TARGET])
    with pytest.raises(AttributeError):
        cfg.targets[0].url = "x"  # type: ignore[misc]
