"""The door: check-in by scan, by hand or by poster, its log, settings, live view, offline pack."""
