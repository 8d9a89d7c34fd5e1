"""The ``ppdesk`` command line: argument parsing and output only.

All work is done by ``ppdesk.core``.
"""
