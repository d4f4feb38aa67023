"""After the event: templates, drafts, the review queue, delivery, and stay-in-touch reminders."""
