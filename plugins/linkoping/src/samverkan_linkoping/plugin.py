"""Linköping's labour-market board as a samverkan plugin.

The rules are data in ``data/*.toml``, in the one rule-data schema the core reads and
validates: identity and documents, forms, checklist, record kinds, decision authority,
follow-up policy, comparison rules and the IOP gates. Python computes only what the data
names: SROI (``sroi.py``, the follow-up policy's evaluation), the value table
(``reports.py`` with ``valuation.py``) and the demo data (``demo.py``).
"""

from __future__ import annotations

from samverkan.plugin.dataplugin import DataPlugin

#: the entry point ``linkoping = "samverkan_linkoping.plugin:plugin"``
plugin = DataPlugin("samverkan_linkoping")
