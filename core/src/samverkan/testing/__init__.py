"""The plugin test kit: contract tests and scenario files for any installed municipality.

A municipality plugin kept in its own repository tests itself with this kit, without
this repository's conftest:

- :mod:`.scenarios`: **scenario files**, TOML that a policy officer can write: the facts
  of one collaboration (form, initiator, organisations, checklist answers, records,
  contributions, decision, agreement sections, termination, the date it is judged on)
  and the findings expected at each transition (rule ids, blocking or advisory). A
  plugin ships them in its package, ``samverkan_<key>/scenarios/*.toml``.
- :mod:`.runner`: runs a scenario on a real SQLite file through the services and
  compares what the gates found with what the file expects.
- :mod:`.contract`: what every municipality plugin must satisfy (it loads through its
  entry point, names its documents, its hooks answer, its rules cite their sources,
  every form can be registered, its package imports no SQLite, store or Textual, every
  declared gate has a scenario …), as plain functions.
- :mod:`.pytest_plugin`: the pytest plugin (entry point ``pytest11``: loaded wherever
  samverkan and pytest are installed): options, fixtures and parametrization.
- :mod:`.suite`: the tests themselves; a plugin's ``tests/test_samverkan.py`` is
  ``from samverkan.testing.suite import *``.

``samverkan plugin test KEY`` runs the same contract and scenarios without pytest.
"""
