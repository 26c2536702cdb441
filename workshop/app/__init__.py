"""The Textual workshop: the app, its screens and themes. It runs the
engine's checks and feeds their events to the widgets."""
