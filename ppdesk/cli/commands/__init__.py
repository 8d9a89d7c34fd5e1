"""One module per ``ppdesk`` subcommand, each with ``register(subparsers)``."""
