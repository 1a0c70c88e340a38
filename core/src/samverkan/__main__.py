"""``python -m samverkan`` runs the command line."""

from samverkan.cli import main

main()
