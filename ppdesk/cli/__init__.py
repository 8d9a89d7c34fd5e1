"""The ``ppdesk`` command line: argument parsing and output only; all work is done by ``ppdesk.core``."""
