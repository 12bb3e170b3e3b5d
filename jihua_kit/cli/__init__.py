"""The `jihua-kit` command: one module per subcommand in `cli/commands/`."""
