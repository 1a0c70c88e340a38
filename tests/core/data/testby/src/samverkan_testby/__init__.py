"""samverkan_testby: a complete municipality plugin for a municipality that does not exist.

The core's tests install it through the real entry-point mechanism, and
docs/writing-a-plugin.md walks through it as the example a plugin author starts from.
"""
