"""Small reusable widgets: message bar, delayed progress panel, HTML preview, table panel."""
