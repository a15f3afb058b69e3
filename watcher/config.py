"""The operator's one TOML file, turned into frozen, validated values.

All validation happens here, once, at the edge: the rest of watcher trusts a ``Config``. Every error
is one line that starts with the key path and says what was expected and what was found, because
the person reading it is editing a file, not reading a traceback::

    targets[3].interval: expected a duration like "6h" or "30m", got "6 hours"
    targets[0]: unknown key "selctor" (allowed: cron, id, interval, ...)

Secrets (apprise URLs with tokens) are kept as written, ``${VAR}`` included; they are resolved by
the notifier at send time, and masked by ``masked()`` wherever the config is printed.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from watcher.errors import ConfigError
from watcher.models import Category, ExtractRules, FetchSettings, Severity, Target, TargetId

SEARCH_PATHS = (Path("config.toml"), Path("/etc/watcher/config.toml"))
"""Where watcher looks for its config when neither ``--config`` nor ``$WATCHER_CONFIG`` is given."""

DELIVERY_MODES = ("immediate", "daily", "weekly")
DIRECTIONS = ("weakens", "strengthens", "neutral", "unclear")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
LOG_FORMATS = ("text", "json", "journal")

_ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*(/[a-z0-9][a-z0-9._-]*)*$")
_DURATION_RE = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")
_CRON_FIELD_RE = re.compile(r"^[0-9A-Za-z*/,\-?]+$")
_TIME_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True, slots=True)
class Group:
    """A subscriber group: where its alerts go, and which changes it wants."""

    name: str
    notify: tuple[str, ...]
    min_severity: Severity = Severity.MAJOR
    categories: frozenset[str] = frozenset()
    providers: frozenset[str] = frozenset()
    targets: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()
    directions: frozenset[str] = frozenset()
    delivery: str = "immediate"
    digest_at: str = "09:00"
    digest_day: str = "mon"
    failures: bool = True  # also tell this group when one of its targets keeps failing


@dataclass(frozen=True, slots=True)
class NotifySettings:
    """The ``[notify]`` table: how hard the delivery worker tries before it gives up."""

    retry_base: timedelta = timedelta(minutes=1)  # wait after the first failed attempt; doubles
    retry_max: timedelta = timedelta(hours=1)  # the longest wait between two attempts
    max_attempts: int = 10  # then the delivery is marked failed and logged
    timeout: float = 30.0  # seconds one apprise call may take
    workers: int = 4  # deliveries in parallel (never two for the same group and target)


@dataclass(frozen=True, slots=True)
class HttpSettings:
    listen: str = "127.0.0.1:8080"
    base_url: str = ""


@dataclass(frozen=True, slots=True)
class Settings:
    """The ``[watcher]`` table: how the service itself runs."""

    state_dir: Path = Path("state")
    log_format: str = "text"
    log_level: str = "info"
    concurrency: int = 4
    per_host: int = 1
    host_delay: timedelta = timedelta(seconds=2)
    failure_threshold: int = 3
    flip_back_window: int = 5
    anomaly_shrink: float = 0.5


@dataclass(frozen=True, slots=True)
class Config:
    path: Path | None
    settings: Settings
    fetch: FetchSettings
    targets: tuple[Target, ...]
    groups: tuple[Group, ...] = ()
    http: HttpSettings | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)
    notify: NotifySettings = field(default_factory=NotifySettings)

    def target(self, target_id: str) -> Target:
        for t in self.targets:
            if t.id == target_id:
                return t
        known = ", ".join(t.id for t in self.targets) or "none"
        raise ConfigError(f"unknown target {target_id!r} (configured: {known})")


def find_config(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The config file to use: ``--config``, else ``$WATCHER_CONFIG``, else the search paths."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("WATCHER_CONFIG")
    if env:
        return Path(env)
    for candidate in SEARCH_PATHS:
        if candidate.is_file():
            return candidate
    tried = ", ".join(str(p) for p in SEARCH_PATHS)
    raise ConfigError(f"no config file found (tried --config, $WATCHER_CONFIG, {tried})")


def load(path: str | os.PathLike[str]) -> Config:
    """Read and validate the config file at ``path``."""
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{p}: no such config file") from None
    except IsADirectoryError:
        raise ConfigError(f"{p}: is a directory, not a config file") from None
    except PermissionError:
        raise ConfigError(f"{p}: cannot read the config file (permission denied)") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{p}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{p}: invalid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{p}: cannot read the config file ({exc.strerror})") from None
    return parse(data, path=p)


def parse(data: Mapping[str, Any], *, path: Path | None = None) -> Config:
    """Validate an already-parsed TOML document."""
    _keys(data, "", {"watcher", "fetch", "targets", "groups", "http", "notify"})
    base = path.parent if path is not None else Path.cwd()
    settings = _settings(_table(data, "watcher"), base)
    fetch = _fetch(_table(data, "fetch"))
    targets = tuple(_target(t, f"targets[{i}]") for i, t in enumerate(_array(data, "targets")))
    _unique([t.id for t in targets], "targets", "id")
    groups = tuple(_group(g, f"groups[{i}]") for i, g in enumerate(_array(data, "groups")))
    _unique([g.name for g in groups], "groups", "name")
    http = _http(data["http"]) if "http" in data else None
    notify = _notify(_table(data, "notify"))
    return Config(path, settings, fetch, targets, groups, http, raw=data, notify=notify)


# -- the tables ------------------------------------------------------------------------------


def _settings(t: Mapping[str, Any], base: Path) -> Settings:
    _keys(
        t,
        "watcher",
        {
            "state_dir",
            "log_format",
            "log_level",
            "concurrency",
            "per_host",
            "host_delay",
            "failure_threshold",
            "flip_back_window",
            "anomaly_shrink",
        },
    )
    d = Settings()
    state = Path(_str(t, "watcher", "state_dir", str(d.state_dir)))
    env_state = os.environ.get("WATCHER_STATE_DIR")
    if env_state:
        state = Path(env_state)
    elif not state.is_absolute():
        state = base / state
    level = _str(t, "watcher", "log_level", d.log_level).lower()
    if level not in ("debug", "info", "warning", "error"):
        raise ConfigError(
            f"watcher.log_level: expected debug, info, warning or error, got {level!r}"
        )
    shrink = _float(t, "watcher", "anomaly_shrink", d.anomaly_shrink)
    if not 0 < shrink < 1:
        raise ConfigError(f"watcher.anomaly_shrink: expected a share between 0 and 1, got {shrink}")
    return Settings(
        state_dir=state,
        log_format=_choice(t, "watcher", "log_format", LOG_FORMATS, d.log_format),
        log_level=level,
        concurrency=_int(t, "watcher", "concurrency", d.concurrency, low=1, high=256),
        per_host=_int(t, "watcher", "per_host", d.per_host, low=1, high=64),
        host_delay=_duration(t, "watcher", "host_delay", d.host_delay, allow_zero=True),
        failure_threshold=_int(t, "watcher", "failure_threshold", d.failure_threshold, low=1),
        flip_back_window=_int(
            t, "watcher", "flip_back_window", d.flip_back_window, low=0, high=100
        ),
        anomaly_shrink=shrink,
    )


def _fetch(t: Mapping[str, Any]) -> FetchSettings:
    p = "fetch"
    _keys(t, p, set(FetchSettings.__dataclass_fields__))
    d = FetchSettings()
    proxy = t.get("proxy", d.proxy)
    if proxy is not None and not isinstance(proxy, str):
        raise ConfigError(f"fetch.proxy: expected a URL string, got {_show(proxy)}")
    return FetchSettings(
        user_agent=_str(t, p, "user_agent", d.user_agent),
        contact=_str(t, p, "contact", d.contact),
        connect_timeout=_float(t, p, "connect_timeout", d.connect_timeout, positive=True),
        read_timeout=_float(t, p, "read_timeout", d.read_timeout, positive=True),
        total_timeout=_float(t, p, "total_timeout", d.total_timeout, positive=True),
        max_bytes=_int(t, p, "max_bytes", d.max_bytes, low=1024),
        max_redirects=_int(t, p, "max_redirects", d.max_redirects, low=0, high=50),
        retries=_int(t, p, "retries", d.retries, low=0, high=10),
        backoff=_float(t, p, "backoff", d.backoff),
        proxy=proxy or None,
        browser_timeout=_float(t, p, "browser_timeout", d.browser_timeout, positive=True),
    )


_TARGET_KEYS = {
    "id",
    "url",
    "provider",
    "name",
    "interval",
    "cron",
    "select",
    "remove",
    "ignore",
    "tags",
    "render",
}


def _target(t: Any, p: str) -> Target:
    if not isinstance(t, Mapping):
        raise ConfigError(f"{p}: expected a table ([[targets]]), got {_show(t)}")
    _keys(t, p, _TARGET_KEYS)
    tid = _required_str(t, p, "id")
    if not _ID_RE.match(tid):
        raise ConfigError(
            f'{p}.id: expected lowercase "provider/slug" (letters, digits, . _ -), got {tid!r}'
        )
    url = _required_str(t, p, "url")
    if not re.match(r"^https?://[^\s/]+", url):
        raise ConfigError(f"{p}.url: expected an http:// or https:// URL, got {url!r}")
    if "interval" in t and "cron" in t:
        raise ConfigError(f"{p}: set interval or cron, not both")
    cron = None
    if "cron" in t:
        cron = _str(t, p, "cron", "")
        fields = cron.split()
        if len(fields) != 5 or not all(_CRON_FIELD_RE.match(f) for f in fields):
            raise ConfigError(
                f'{p}.cron: expected five crontab fields like "0 */6 * * *", got {cron!r}'
            )
    interval = None if cron else _duration(t, p, "interval", timedelta(hours=6))
    for key in ("select", "remove"):
        for i, css in enumerate(_str_list(t, p, key)):
            _check_css(css, f"{p}.{key}[{i}]")
    for i, pattern in enumerate(_str_list(t, p, "ignore")):
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ConfigError(f"{p}.ignore[{i}]: invalid regular expression ({exc})") from None
    return Target(
        id=TargetId(tid),
        url=url,
        provider=_str(t, p, "provider", tid.split("/")[0]),
        name=_str(t, p, "name", ""),
        interval=interval,
        cron=cron,
        rules=ExtractRules(
            select=tuple(_str_list(t, p, "select")),
            remove=tuple(_str_list(t, p, "remove")),
            ignore=tuple(_str_list(t, p, "ignore")),
        ),
        tags=frozenset(_str_list(t, p, "tags")),
        render=_choice(t, p, "render", ("http", "browser"), "http"),
    )


_GROUP_KEYS = {
    "name",
    "notify",
    "min_severity",
    "categories",
    "providers",
    "targets",
    "tags",
    "directions",
    "delivery",
    "digest_at",
    "digest_day",
    "failures",
}


def _group(g: Any, p: str) -> Group:
    if not isinstance(g, Mapping):
        raise ConfigError(f"{p}: expected a table ([[groups]]), got {_show(g)}")
    _keys(g, p, _GROUP_KEYS)
    name = _required_str(g, p, "name")
    notify = _str_list(g, p, "notify")
    if not notify:
        raise ConfigError(f"{p}.notify: expected at least one apprise URL")
    severities = [s.value for s in Severity]
    categories = _str_list(g, p, "categories")
    allowed_categories = {c.value for c in Category}
    for i, c in enumerate(categories):
        if c not in allowed_categories:
            raise ConfigError(
                f"{p}.categories[{i}]: unknown category {c!r} "
                f"(allowed: {', '.join(sorted(allowed_categories))})"
            )
    directions = _str_list(g, p, "directions")
    for i, d in enumerate(directions):
        if d not in DIRECTIONS:
            raise ConfigError(
                f"{p}.directions[{i}]: unknown direction {d!r} (allowed: {', '.join(DIRECTIONS)})"
            )
    digest_at = _str(g, p, "digest_at", "09:00")
    if not _TIME_RE.match(digest_at):
        raise ConfigError(f'{p}.digest_at: expected a time like "09:00", got {digest_at!r}')
    return Group(
        name=name,
        notify=tuple(notify),
        min_severity=Severity(_choice(g, p, "min_severity", tuple(severities), "major")),
        categories=frozenset(categories),
        providers=frozenset(_str_list(g, p, "providers")),
        targets=frozenset(_str_list(g, p, "targets")),
        tags=frozenset(_str_list(g, p, "tags")),
        directions=frozenset(directions),
        delivery=_choice(g, p, "delivery", DELIVERY_MODES, "immediate"),
        digest_at=digest_at,
        digest_day=_choice(g, p, "digest_day", WEEKDAYS, "mon"),
        failures=_bool(g, p, "failures", True),
    )


def _notify(t: Mapping[str, Any]) -> NotifySettings:
    _keys(t, "notify", {"retry_base", "retry_max", "max_attempts", "timeout", "workers"})
    d = NotifySettings()
    return NotifySettings(
        retry_base=_duration(t, "notify", "retry_base", d.retry_base),
        retry_max=_duration(t, "notify", "retry_max", d.retry_max),
        max_attempts=_int(t, "notify", "max_attempts", d.max_attempts, low=1),
        timeout=_float(t, "notify", "timeout", d.timeout, positive=True),
        workers=_int(t, "notify", "workers", d.workers, low=1, high=64),
    )


def _http(t: Any) -> HttpSettings:
    if not isinstance(t, Mapping):
        raise ConfigError(f"http: expected a table, got {_show(t)}")
    _keys(t, "http", {"listen", "base_url"})
    listen = _str(t, "http", "listen", "127.0.0.1:8080")
    host, _, port = listen.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError(
            f'http.listen: expected "host:port" like "127.0.0.1:8080", got {listen!r}'
        )
    base = _str(t, "http", "base_url", "")
    if base and not re.match(r"^https?://", base):
        raise ConfigError(f"http.base_url: expected an http:// or https:// URL, got {base!r}")
    return HttpSettings(listen=listen, base_url=base.rstrip("/"))


# -- value checkers ---------------------------------------------------------------------------


def parse_duration(text: str) -> timedelta | None:
    """``"6h"``, ``"30m"``, ``"1d12h"``, ``"90s"`` -> timedelta; None when not a duration."""
    m = _DURATION_RE.match(text.strip().lower())
    if not m or not any(m.groups()):
        return None
    d, h, mi, s = (int(x) if x else 0 for x in m.groups())
    return timedelta(days=d, hours=h, minutes=mi, seconds=s)


def _show(value: Any) -> str:
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, bool):
        return f"{str(value).lower()} (a boolean)"
    if isinstance(value, int | float):
        return f"{value} (a number)"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, Mapping):
        return "a table"
    return type(value).__name__


def _keys(t: Mapping[str, Any], path: str, allowed: set[str]) -> None:
    for key in t:
        if key not in allowed:
            where = path or "top level"
            raise ConfigError(
                f'{where}: unknown key "{key}" (allowed: {", ".join(sorted(allowed))})'
            )


def _table(data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, Mapping):
        raise ConfigError(f"{key}: expected a table ([{key}]), got {_show(value)}")
    return value


def _array(data: Mapping[str, Any], key: str) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise ConfigError(f"{key}: expected an array of tables ([[{key}]]), got {_show(value)}")
    return value


def _required_str(t: Mapping[str, Any], p: str, key: str) -> str:
    if key not in t:
        raise ConfigError(f"{p}: missing required key {key!r}")
    value = _str(t, p, key, "")
    if not value.strip():
        raise ConfigError(f"{p}.{key}: must not be empty")
    return value


def _str(t: Mapping[str, Any], p: str, key: str, default: str) -> str:
    value = t.get(key, default)
    if not isinstance(value, str):
        raise ConfigError(f"{p}.{key}: expected a string, got {_show(value)}")
    return value


def _bool(t: Mapping[str, Any], p: str, key: str, default: bool) -> bool:
    value = t.get(key, default)
    if not isinstance(value, bool):
        raise ConfigError(f"{p}.{key}: expected true or false, got {_show(value)}")
    return value


def _int(
    t: Mapping[str, Any],
    p: str,
    key: str,
    default: int,
    *,
    low: int | None = None,
    high: int | None = None,
) -> int:
    value = t.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{p}.{key}: expected a whole number, got {_show(value)}")
    if (low is not None and value < low) or (high is not None and value > high):
        bounds = f"from {low}" + (f" to {high}" if high is not None else " up")
        raise ConfigError(f"{p}.{key}: expected a whole number {bounds}, got {value}")
    return value


def _float(
    t: Mapping[str, Any], p: str, key: str, default: float, *, positive: bool = False
) -> float:
    value = t.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{p}.{key}: expected a number, got {_show(value)}")
    if value < 0 or (positive and value == 0):
        kind = "a positive number" if positive else "a number >= 0"
        raise ConfigError(f"{p}.{key}: expected {kind}, got {value}")
    return float(value)


def _choice(t: Mapping[str, Any], p: str, key: str, allowed: tuple[str, ...], default: str) -> str:
    value = _str(t, p, key, default)
    if value not in allowed:
        raise ConfigError(f"{p}.{key}: expected one of {', '.join(allowed)}, got {value!r}")
    return value


def _str_list(t: Mapping[str, Any], p: str, key: str) -> list[str]:
    value = t.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise ConfigError(f"{p}.{key}: expected a list of strings, got {_show(value)}")
    for i, item in enumerate(value):
        if not isinstance(item, str):
            raise ConfigError(f"{p}.{key}[{i}]: expected a string, got {_show(item)}")
    return list(value)


def _duration(
    t: Mapping[str, Any], p: str, key: str, default: timedelta, *, allow_zero: bool = False
) -> timedelta:
    if key not in t:
        return default
    raw = t[key]
    if isinstance(raw, int) and not isinstance(raw, bool):
        value: timedelta | None = timedelta(seconds=raw)
    elif isinstance(raw, str):
        value = parse_duration(raw)
    else:
        value = None
    if value is None or (value.total_seconds() <= 0 and not allow_zero):
        raise ConfigError(f'{p}.{key}: expected a duration like "6h" or "30m", got {_show(raw)}')
    return value


def _check_css(css: str, path: str) -> None:
    """A selector that cannot be parsed is a config error now, not an extraction error later."""
    from cssselect import GenericTranslator, SelectorError  # imported only for targets using CSS

    try:
        GenericTranslator().css_to_xpath(css)
    except SelectorError as exc:
        raise ConfigError(f"{path}: {css!r} is not a valid CSS selector ({exc})") from None


def _unique(values: list[str], path: str, key: str) -> None:
    seen: dict[str, int] = {}
    for i, v in enumerate(values):
        if v in seen:
            raise ConfigError(
                f"{path}[{i}].{key}: duplicate {key} {v!r} (already used by {path}[{seen[v]}])"
            )
        seen[v] = i


# -- printing ---------------------------------------------------------------------------------

_SECRET_URL = re.compile(r"^(?P<scheme>[a-z][a-z0-9+.-]*://)(?P<rest>.+)$", re.IGNORECASE)


def mask_url(url: str) -> str:
    """An apprise URL with everything after the scheme and host hidden, for logs and output.

    ``${VAR}`` references and ``credential:NAME`` / ``file:NAME`` are shown as they are: they
    name where a secret is, they are not one.
    """
    if (url.startswith("${") and url.endswith("}")) or url.startswith(("credential:", "file:")):
        return url  # names of where a secret lives, not the secret
    m = _SECRET_URL.match(url)
    if not m:
        return "***"
    rest = m.group("rest")
    head = re.split(r"[?#]", rest, maxsplit=1)[0]
    host = head.rsplit("@", 1)[-1].split("/", 1)[0]
    host = host.split(":")[0]
    if "." not in host and host != "localhost":
        host = "***"  # services like slack://TokenA/TokenB put secrets where a host would be
    return f"{m.group('scheme')}{'***@' if '@' in head else ''}{host}/***"


def masked(config: Config) -> dict[str, Any]:
    """The resolved config as plain data, with every notification URL masked."""

    def target(t: Target) -> dict[str, Any]:
        d: dict[str, Any] = {"id": t.id, "url": t.url, "provider": t.provider}
        if t.name:
            d["name"] = t.name
        if t.cron:
            d["cron"] = t.cron
        elif t.interval is not None:
            d["interval"] = format_duration(t.interval)
        for key in ("select", "remove", "ignore"):
            if getattr(t.rules, key):
                d[key] = list(getattr(t.rules, key))
        if t.tags:
            d["tags"] = sorted(t.tags)
        if t.render != "http":
            d["render"] = t.render
        return d

    def group(g: Group) -> dict[str, Any]:
        d: dict[str, Any] = {
            "name": g.name,
            "notify": [mask_url(u) for u in g.notify],
            "min_severity": g.min_severity.value,
            "delivery": g.delivery,
        }
        for key in ("categories", "providers", "targets", "tags", "directions"):
            if getattr(g, key):
                d[key] = sorted(getattr(g, key))
        return d

    s = config.settings
    out: dict[str, Any] = {
        "config": str(config.path) if config.path else None,
        "watcher": {
            "state_dir": str(s.state_dir),
            "log_format": s.log_format,
            "concurrency": s.concurrency,
            "per_host": s.per_host,
            "host_delay": format_duration(s.host_delay),
            "failure_threshold": s.failure_threshold,
            "flip_back_window": s.flip_back_window,
        },
        "fetch": {
            k: getattr(config.fetch, k)
            for k in FetchSettings.__dataclass_fields__
            if k != "proxy" or config.fetch.proxy
        },
        "targets": [target(t) for t in config.targets],
        "groups": [group(g) for g in config.groups],
    }
    if config.fetch.proxy:
        out["fetch"]["proxy"] = mask_url(config.fetch.proxy)
    if config.http is not None:
        out["http"] = {"listen": config.http.listen, "base_url": config.http.base_url}
    return out


def format_duration(d: timedelta) -> str:
    seconds = int(d.total_seconds())
    if seconds == 0:
        return "0s"
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        n, seconds = divmod(seconds, size)
        if n:
            parts.append(f"{n}{unit}")
    return "".join(parts)
