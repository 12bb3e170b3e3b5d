"""Subcommands of `jihua-kit`; every module here is picked up by `jihua_kit.cli.main`."""
