"""One module per screen: a QWidget with ``refresh()``, runnable alone on the demo store."""
