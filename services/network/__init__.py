"""Networking with purpose: the event directory, people to meet, look-for lists, introductions."""
