"""``samverkan collab``: the collaboration lifecycle from the command line.

The commands live in one module per subject and attach themselves to
:data:`collab_group` (:mod:`.group`) when imported here.
"""

from samverkan.cli.collab import casework, followup, guide, lifecycle, record, register  # noqa: F401  (commands attach)
from samverkan.cli.collab.group import collab_group

__all__ = ["collab_group"]
