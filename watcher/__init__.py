"""watcher: watches privacy policies and terms, and alerts with evidence when promises change."""

__version__ = "0.1.0"
