"""The contact persons of organisations (rows of ``contacts``)."""

from __future__ import annotations

import sqlite3


class ContactRows:
    """Contact persons' rows (mixed into the store)."""

    conn: sqlite3.Connection
