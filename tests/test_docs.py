"""README, config.example.toml, .ci/run and `watcher --help` agree with the code."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from watcher import cli, config

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")


def all_commands() -> list[str]:
    """Every leaf command as a user types it: 'check', 'config check', 'notify test'..."""
    names = []
    for name, cmd in cli.cli.commands.items():
        if isinstance(cmd, click.Group):
            names += [f"{name} {sub}" for sub in cmd.commands]
        else:
            names.append(name)
    return sorted(names)


def readme_table_commands() -> set[str]:
    rows = re.findall(r"^\| `watcher ([a-z][a-z -]*?)(?: \[| [A-Z]|`)", README, re.MULTILINE)
    return {r.strip() for r in rows}


@pytest.mark.parametrize("name", all_commands())
def test_every_command_is_in_the_readme_table_and_has_help(name: str) -> None:
    assert name in readme_table_commands(), f"`watcher {name}` missing from README's table"
    cmd: click.Command = cli.cli
    for part in name.split():
        assert isinstance(cmd, click.Group)
        cmd = cmd.commands[part]
    assert cmd.help and cmd.help.strip()


def test_readme_table_lists_no_command_that_does_not_exist() -> None:
    known = set(all_commands())
    assert readme_table_commands() <= known


def test_ci_runs_exactly_the_readme_test_command() -> None:
    blocks = re.findall(r"```sh\n(.+?)\n```", README, re.DOTALL)
    test_command = next(b for b in blocks if "pytest" in b)
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci.splitlines()


def test_readme_main_command_runs_the_demo() -> None:
    blocks = re.findall(r"```sh\n(.+?)\n```", README, re.DOTALL)
    assert any(b.endswith("watcher demo") and "pip install" in b for b in blocks)


def test_example_config_loads_and_covers_every_target_key() -> None:
    cfg = config.load(REPO / "config.example.toml")
    assert cfg.targets and cfg.groups and cfg.http is not None
    text = (REPO / "config.example.toml").read_text(encoding="utf-8")
    for key in (
        "interval",
        "cron",
        "select",
        "remove",
        "ignore",
        "tags",
        "min_severity",
        "categories",
        "providers",
        "delivery",
    ):
        assert re.search(rf"^{key} = ", text, re.MULTILINE), key


def test_example_config_documents_every_setting() -> None:
    text = (REPO / "config.example.toml").read_text(encoding="utf-8")
    for table in (config.Settings, config.FetchSettings, config.NotifySettings):
        for key in table.__dataclass_fields__:
            assert re.search(rf"^#? ?{key} = ", text, re.MULTILINE), f"{table.__name__}.{key}"


def test_readme_documents_every_exit_status() -> None:
    for code in (cli.EXIT_OK, cli.EXIT_CHANGES, cli.EXIT_USAGE, cli.EXIT_FAILURE):
        assert re.search(rf"^\| {code} \|", README, re.MULTILINE)


def test_every_rule_has_a_docstring() -> None:
    from watcher.classify import describe_rules

    rules = describe_rules()
    assert rules
    for name, doc in rules:
        assert doc.strip(), name
