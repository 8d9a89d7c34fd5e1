"""ppdesk: post-purchase revenue desk for small online stores."""

# The one place the version is written (pyproject.toml reads it at build time). A literal,
# not importlib.metadata.version(): that scans every installed distribution, ~0.1 s of
# `ppdesk --help` and `--version`.
__version__ = "0.1.0"
