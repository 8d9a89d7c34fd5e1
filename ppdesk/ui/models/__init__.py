"""Qt item models over core data (one DataFrame table model)."""
