"""Stockholm's labour-market administration as a samverkan plugin.

The rules are data in ``data/*.toml``, in the one rule-data schema the core reads and
validates: identity and documents, forms, checklist, record kinds, agreement sections,
decision authority, follow-up policy, comparison rules and gates. Python computes only
what ``data/python.toml`` names: the notifications to the preparatory group
(``notifications.py``), the reports (``reports.py``) and the demo data (``demo.py``).
"""

from __future__ import annotations

from samverkan.plugin.dataplugin import DataPlugin

#: the entry point ``stockholm = "samverkan_stockholm.plugin:plugin"``
plugin = DataPlugin("samverkan_stockholm")
