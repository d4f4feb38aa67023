"""Me and the people I meet: my card and pitches, badge exchange, contacts, notes, their files."""
