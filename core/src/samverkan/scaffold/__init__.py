"""Starting and checking a municipality plugin: ``samverkan plugin new`` and ``plugin check``.

- :mod:`.generate`: a complete plugin distribution for a new municipality (pyproject with
  the entry point, the rule data, scenarios, the kit's tests, a README), which installs
  and passes the test kit before it is edited;
- :mod:`.template`: its data files, generated from the schema
  (:mod:`samverkan.plugin.schema`): every table and key, live or commented;
- :mod:`.scenarios`: its scenario files (:mod:`samverkan.testing.scenarios`);
- :mod:`.check`: a plugin's data and scenarios checked without installing it, and what it
  declares.

The scaffold writes files and reads TOML; it never opens a database.
"""
