"""`python -m hub.cli` runs the `hub` command."""

from hub.cli.main import cli

cli()
