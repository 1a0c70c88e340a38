"""Storage: the only place that talks SQL (one SQLite file through sqlite-utils)."""

from samverkan.store.store import Store

__all__ = ["Store"]
