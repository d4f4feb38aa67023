"""Events and the people in them: events, staff and roles, attendee import, badges to print."""
