"""What every page, feed and endpoint needs: the config, the store, the public base URL."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from watcher.config import Config
from watcher.models import Target, TargetId
from watcher.store import Store


class NotFound(Exception):
    """The path names nothing: answered with 404 and ``message``."""

    def __init__(self, message: str = "Nothing here.") -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def html(cls, text: str, status: int = 200) -> Response:
        return cls(status, "text/html; charset=utf-8", text.encode("utf-8"))


@dataclass
class Site:
    config: Config
    store: Store
    base_url: str
    is_alive: Callable[[], bool] | None = None

    def target(self, target_id: str) -> Target | None:
        """The configured target, else one known only from the store (no longer configured)."""
        for t in self.config.targets:
            if t.id == target_id:
                return t
        if target_id in self.store.known_targets():
            return Target(TargetId(target_id), "", target_id.split("/")[0])
        return None

    def targets(self) -> list[Target]:
        """Configured targets, then those the store still remembers."""
        out = list(self.config.targets)
        configured = {t.id for t in out}
        for tid in self.store.known_targets():
            if tid not in configured:
                out.append(Target(TargetId(tid), "", tid.split("/")[0]))
        return out

    def title(self, target_id: str) -> str:
        t = self.target(target_id)
        return t.title if t is not None and t.name else target_id

    def link(self, path: str) -> str:
        """An absolute URL under ``base_url`` (feeds need them; pages use paths)."""
        return self.base_url + path
