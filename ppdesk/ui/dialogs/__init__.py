"""Modal dialogs: welcome, column mapping, crash report."""
