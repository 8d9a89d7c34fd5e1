"""Charts painted with QPainter, following the palette, each savable as PNG."""
