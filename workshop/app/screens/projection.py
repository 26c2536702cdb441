"""The projection layout is a CSS class on each screen (styles/projection.tcss)."""

PROJECTION_CLASS = "-projection"
