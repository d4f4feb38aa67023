"""The door pass on its own: what it says, how long it lasts, what it refuses."""

from __future__ import annotations

import uuid

import pytest

from services.door import passes
from services.errors import Forbidden, Unauthorized


def test_a_pass_says_who_scans_where_and_lasts_two_minutes_at_most() -> None:
    event_id, user_id, session_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    text, issued = passes.sign(
        event_id=event_id,
        user_id=user_id,
        role="organizer",
        session_id=session_id,
        lifetime_seconds=3600,
    )
    checked = passes.check(text, event_id=event_id)
    assert checked == issued
    assert (checked.user_id, checked.session_id, checked.role) == (user_id, session_id, "organizer")
    assert checked.expires_at.timestamp() - passes.now() <= passes.LIFETIME_SECONDS


def test_a_short_pass_runs_out(monkeypatch: pytest.MonkeyPatch) -> None:
    event_id = uuid.uuid4()
    text, _ = passes.sign(
        event_id=event_id,
        user_id=uuid.uuid4(),
        role="staff",
        session_id=uuid.uuid4(),
        lifetime_seconds=5,
    )
    passes.check(text, event_id=event_id)
    start = passes.now()
    monkeypatch.setattr(passes, "now", lambda: start + 5)
    with pytest.raises(Unauthorized) as expired:
        passes.check(text, event_id=event_id)
    assert expired.value.code == "door_pass_expired"


def test_other_event_and_wrong_role_are_refused() -> None:
    event_id = uuid.uuid4()
    text, _ = passes.sign(
        event_id=event_id, user_id=uuid.uuid4(), role="attendee", session_id=uuid.uuid4()
    )
    with pytest.raises(Forbidden) as other:
        passes.check(text, event_id=uuid.uuid4())
    assert other.value.code == "door_pass_other_event"
    with pytest.raises(Forbidden) as role:
        passes.check(text, event_id=event_id)
    assert role.value.code == "door_pass_wrong_role"
