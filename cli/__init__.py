"""The `rapport` command line."""
