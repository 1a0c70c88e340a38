"""The use cases, one module per subject, around one session.

:class:`Services` is the one entry point the CLI and the TUI use: a session (the store,
the acting user, the municipality's plugin view and the declared permissions, see
:mod:`.session`) with the use cases of every subject:

- :mod:`.organisations` — register, look up, change, list
- :mod:`.contacts` — an organisation's contact persons
- :mod:`.exchange` — import and export
- :mod:`.collaborations` — register an initiative, change, list, read one; the form's rules
- :mod:`.records` — checklist answers, plugin records, conflicts, agreement, follow-ups
- :mod:`.contributions` — each party's money and kind, line by line
- :mod:`.documents` — the case's files and records-system references
- :mod:`.transitions` — check, advance, decide, end
- :mod:`.oversight` — the auditors' reports, one collaboration's record, the portfolio overview
- :mod:`.exports` — reports and records as Excel, CSV and PDF files
- :mod:`.form_guide` — the form questionnaire and its recommendation
- :mod:`.admin` — users, municipality, audit log, backups, outbox, reports
- :mod:`.privacy` — a person's data: extract, erase, cull
- :mod:`.demo` — demo data
"""

from __future__ import annotations

from samverkan.domain.followups import add_months
from samverkan.domain.rules import FormRules
from samverkan.services.admin import AdminUseCases
from samverkan.services.collaborations import Party
from samverkan.services.contacts import ContactUseCases
from samverkan.services.contributions import ContributionUseCases
from samverkan.services.demo import DemoUseCases
from samverkan.services.documents import DocumentUseCases
from samverkan.services.exchange import ExchangeUseCases
from samverkan.services.exports import ExportUseCases
from samverkan.services.form_guide import FormGuideUseCases
from samverkan.services.organisations import OrganisationUseCases
from samverkan.services.privacy import PrivacyUseCases
from samverkan.services.session import Permission, Session, use_case
from samverkan.services.transitions import ConfirmationNeeded, TransitionUseCases


class Services(TransitionUseCases, ContributionUseCases, DocumentUseCases, OrganisationUseCases,
               ContactUseCases, ExchangeUseCases, ExportUseCases, FormGuideUseCases, AdminUseCases,
               PrivacyUseCases, DemoUseCases):
    """Every use case, bound to one database, one municipality and one acting user."""


__all__ = ["ConfirmationNeeded", "FormRules", "Party", "Permission", "Services", "Session", "add_months",
           "use_case"]
