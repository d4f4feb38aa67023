"""Door check-in rules, at the service level."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from schemas.checkin import DoorSettingsPatch, ScanAnswer
from services.db import utcnow
from services.door import checkin, records
from services.door import settings as door_settings
from services.door import stats as door_stats
from services.errors import Forbidden, NotFound
from services.events import badges, spreadsheet
from services.models import CheckIn, CheckInScan, Event, User
from tests import factories


def nonce() -> str:
    return uuid.uuid4().hex


async def scan(db: AsyncSession, event: Event, token: str, **kwargs: object) -> object:
    kwargs.setdefault("scanned_at", utcnow())
    kwargs.setdefault("nonce", nonce())
    kwargs.setdefault("gate", "A")
    answer = await checkin.scan_badge(db, event=event, token=token, **kwargs)  # type: ignore[arg-type]
    await db.commit()
    return answer


async def count(db: AsyncSession, model: type) -> int:
    return await db.scalar(select(func.count()).select_from(model)) or 0


async def test_first_scan_checks_in_and_shows_name_company_title(db: AsyncSession) -> None:
    event = await factories.event(db)
    _, badge = await factories.attendee(
        db, event=event, name="Zoë Ångström", company="Acme", title="CTO"
    )
    answer = await scan(db, event, badge.token)
    assert answer.outcome == "ok" and answer.color == "green"
    assert (answer.attendee.name, answer.attendee.company, answer.attendee.title) == (
        "Zoë Ångström",
        "Acme",
        "CTO",
    )
    assert answer.check_in.gate == "A"
    assert await count(db, CheckIn) == 1


async def test_whole_badge_url_is_accepted_as_well_as_the_token(db: AsyncSession) -> None:
    event = await factories.event(db)
    _, badge = await factories.attendee(db, event=event)
    answer = await scan(db, event, badges.badge_url(badge.token) + "?utm=x")
    assert answer.outcome == "ok"


async def test_second_scan_reports_first_checkin_time_and_gate(db: AsyncSession) -> None:
    event = await factories.event(db)
    _, badge = await factories.attendee(db, event=event, name="Ada")
    first_time = utcnow() - timedelta(minutes=10)
    first = await scan(db, event, badge.token, gate="A", scanned_at=first_time)
    second = await scan(db, event, badge.token, gate="B")
    assert second.outcome == "already_checked_in" and second.color == "amber"
    assert second.check_in.id == first.check_in.id
    assert second.check_in.gate == "A"
    assert second.check_in.checked_in_at == first_time
    assert "gate A" in second.message and second.check_in.local_time in second.message
    assert await count(db, CheckIn) == 1


async def test_unknown_token_is_invalid_and_still_recorded(db: AsyncSession) -> None:
    event = await factories.event(db)
    answer = await scan(db, event, "no-such-token")
    assert answer.outcome == "invalid" and answer.attendee is None
    recorded = await db.scalar(select(CheckInScan))
    assert (recorded.outcome, recorded.reason) == ("invalid", "unknown_token")


async def test_old_token_of_reissued_badge_scans_revoked_with_the_name(db: AsyncSession) -> None:
    event = await factories.event(db)
    attendee, old = await factories.attendee(db, event=event, name="Σοφία Παπαδοπούλου")
    new, revoked = await badges.reissue_badge(db, attendee=attendee)
    await db.commit()
    assert revoked == 1 and new.token != old.token
    answer = await scan(db, event, old.token)
    assert answer.outcome == "revoked" and answer.attendee.name == "Σοφία Παπαδοπούλου"
    assert await count(db, CheckIn) == 0
    assert (await scan(db, event, new.token)).outcome == "ok"


async def test_badge_of_another_event_is_wrong_event_and_names_nobody(db: AsyncSession) -> None:
    event = await factories.event(db)
    other = await factories.event(db, name="Other")
    _, badge = await factories.attendee(db, event=other)
    answer = await scan(db, event, badge.token)
    assert answer.outcome == "wrong_event" and answer.attendee is None


async def test_scan_outside_the_window_is_not_open(db: AsyncSession) -> None:
    starts = utcnow() + timedelta(hours=3)
    event = await factories.event(db, starts_at=starts, ends_at=starts + timedelta(hours=8))
    _, badge = await factories.attendee(db, event=event)
    early = await scan(db, event, badge.token)
    assert early.outcome == "not_open" and early.reason == "before_window"
    assert early.window.opens_at == starts - timedelta(hours=2)
    past = await factories.event(
        db, starts_at=utcnow() - timedelta(hours=10), ends_at=utcnow() - timedelta(hours=1)
    )
    _, old_badge = await factories.attendee(db, event=past)
    late = await scan(db, past, old_badge.token)
    assert late.outcome == "not_open" and late.reason == "after_window"
    assert await count(db, CheckIn) == 0


async def test_organizer_can_open_the_window_earlier(db: AsyncSession) -> None:
    starts = utcnow() + timedelta(hours=3)
    event = await factories.event(db, starts_at=starts)
    _, badge = await factories.attendee(db, event=event)
    await door_settings.update_door_settings(
        db, event=event, data=DoorSettingsPatch(opens_minutes_before_start=240)
    )
    await db.commit()
    assert (await scan(db, event, badge.token)).outcome == "ok"


async def test_same_nonce_returns_first_answer_and_records_nothing_new(db: AsyncSession) -> None:
    event = await factories.event(db)
    _, badge = await factories.attendee(db, event=event)
    once = nonce()
    first = await scan(db, event, badge.token, nonce=once)
    again = await scan(db, event, badge.token, nonce=once)
    assert again.outcome == "ok" and again.replayed and not first.replayed
    assert again.scan_id == first.scan_id and again.check_in.id == first.check_in.id
    assert await count(db, CheckInScan) == 1
    assert await count(db, CheckIn) == 1


async def test_retry_after_an_undo_still_gets_the_first_answer_and_checks_nobody_in(
    db: AsyncSession,
) -> None:
    event = await factories.event(db)
    _, badge = await factories.attendee(db, event=event)
    staff = await factories.staff(db, event=event)
    once = nonce()
    first = await scan(db, event, badge.token, nonce=once)
    await records.undo_check_in(db, event=event, check_in_id=first.check_in.id, by_user=staff)
    await db.commit()
    again = await scan(db, event, badge.token, nonce=once)
    assert again.replayed and again.check_in.id == first.check_in.id
    assert await count(db, CheckIn) == 1
    assert await db.scalar(select(CheckIn.undone_at)) is not None


async def test_past_scan_time_is_kept_next_to_receive_time(db: AsyncSession) -> None:
    event = await factories.event(db)
    _, badge = await factories.attendee(db, event=event)
    offline_time = utcnow() - timedelta(minutes=40)
    answer = await scan(db, event, badge.token, scanned_at=offline_time)
    stored = await db.scalar(select(CheckIn))
    assert stored.checked_in_at == offline_time
    assert stored.received_at - offline_time >= timedelta(minutes=40)
    assert answer.received_at == stored.received_at


async def test_scan_time_ahead_of_the_server_is_taken_as_receive_time(db: AsyncSession) -> None:
    event = await factories.event(db)
    _, badge = await factories.attendee(db, event=event)
    answer = await scan(db, event, badge.token, scanned_at=utcnow() + timedelta(hours=1))
    assert answer.scanned_at == answer.received_at


async def test_undo_is_recorded_and_the_person_can_check_in_again(db: AsyncSession) -> None:
    event = await factories.event(db)
    _, badge = await factories.attendee(db, event=event)
    staff = await factories.staff(db, event=event)
    first = await scan(db, event, badge.token)
    undone, _ = await records.undo_check_in(
        db, event=event, check_in_id=first.check_in.id, by_user=staff, reason="wrong person"
    )
    await db.commit()
    assert undone.undone_at is not None and undone.undo_reason == "wrong person"
    assert undone.undone_by_id == staff.id
    again = await scan(db, event, badge.token)
    assert again.outcome == "ok" and again.check_in.id != first.check_in.id
    assert await count(db, CheckIn) == 2  # the undone one is kept
    stats = await door_stats.check_in_stats(db, event=event)
    assert (stats.checked_in, stats.undone) == (1, 1)


async def test_staff_find_someone_by_name_and_check_them_in_by_hand(db: AsyncSession) -> None:
    event = await factories.event(db)
    attendee, _ = await factories.attendee(db, event=event, name="Дмитрий Шостакович")
    await factories.attendee(db, event=event, name="Someone Else")
    found = await records.find_at_door(db, event=event, query="шостакович")
    assert [a.id for a, c in found] == [attendee.id] and found[0][1] is None
    zoe, _ = await factories.attendee(db, event=event, name="Zoë Ångström")
    assert [a.id for a, _ in await records.find_at_door(db, event=event, query="zoe ang")] == [
        zoe.id
    ]
    answer = await checkin.check_in_by_hand(
        db, event=event, attendee_id=attendee.id, scanned_at=utcnow(), nonce=nonce(), gate="desk"
    )
    await db.commit()
    assert answer.outcome == "ok" and answer.method == "manual"
    found = await records.find_at_door(db, event=event, query="Шостакович")
    assert found[0][1] is not None


async def test_manual_check_in_of_someone_from_another_event_is_not_found(
    db: AsyncSession,
) -> None:
    event = await factories.event(db)
    other = await factories.event(db)
    stranger, _ = await factories.attendee(db, event=other)
    with pytest.raises(NotFound):
        await checkin.check_in_by_hand(
            db, event=event, attendee_id=stranger.id, scanned_at=utcnow(), nonce=nonce()
        )


async def test_self_check_in_works_only_while_on_and_with_the_current_poster(
    db: AsyncSession,
) -> None:
    event = await factories.event(db)
    attendee, _ = await factories.attendee(db, event=event)
    person = await db.get(User, attendee.user_id)
    settings = await door_settings.update_door_settings(
        db, event=event, data=DoorSettingsPatch(self_check_in_enabled=True)
    )
    await db.commit()
    old_token = settings.poster_token
    assert old_token
    rotated = await door_settings.rotate_poster(db, event=event)
    await db.commit()
    with pytest.raises(NotFound):
        await checkin.self_check_in(
            db, user=person, poster_token=old_token, scanned_at=utcnow(), nonce=nonce()
        )
    answer = await checkin.self_check_in(
        db,
        user=person,
        poster_token=door_settings.poster_url(rotated.poster_token),
        scanned_at=utcnow(),
        nonce=nonce(),
    )
    await db.commit()
    assert answer.outcome == "ok" and answer.method == "self"
    await door_settings.update_door_settings(
        db, event=event, data=DoorSettingsPatch(self_check_in_enabled=False)
    )
    await db.commit()
    with pytest.raises(Forbidden):
        await checkin.self_check_in(
            db, user=person, poster_token=rotated.poster_token, scanned_at=utcnow(), nonce=nonce()
        )


async def test_someone_not_registered_cannot_self_check_in(db: AsyncSession) -> None:
    event = await factories.event(db)
    outsider = await factories.user(db)
    settings = await door_settings.update_door_settings(
        db, event=event, data=DoorSettingsPatch(self_check_in_enabled=True)
    )
    await db.commit()
    with pytest.raises(NotFound):
        await checkin.self_check_in(
            db,
            user=outsider,
            poster_token=settings.poster_token,
            scanned_at=utcnow(),
            nonce=nonce(),
        )


async def test_stats_count_gates_arrivals_and_failed_scans_by_reason(db: AsyncSession) -> None:
    event = await factories.event(db)
    for gate in ("A", "A", "B"):
        _, badge = await factories.attendee(db, event=event)
        await scan(db, event, badge.token, gate=gate)
    await factories.attendee(db, event=event)  # registered, not arrived
    await scan(db, event, "nope")
    await scan(db, event, badge.token)
    stats = await door_stats.check_in_stats(db, event=event)
    assert (stats.registered, stats.checked_in) == (4, 3)
    assert [(g.gate, g.checked_in) for g in stats.by_gate] == [("A", 2), ("B", 1)]
    assert sum(b.arrivals for b in stats.arrivals) == 3
    assert stats.failed_by_reason == {"invalid": 1, "already_checked_in": 1}
    assert len(stats.recent_scans) == 5 and stats.recent_scans[0].outcome == "already_checked_in"
    svg = door_stats.arrivals_svg(stats, title="<Conf>")
    assert svg.startswith("<svg") and "&lt;Conf&gt;" in svg and "<Conf>" not in svg


async def test_recent_scans_say_when_the_check_in_they_made_was_undone(db: AsyncSession) -> None:
    event = await factories.event(db)
    staff = await factories.user(db)
    _, badge = await factories.attendee(db, event=event)
    first = await scan(db, event, badge.token)
    assert isinstance(first, ScanAnswer) and first.check_in is not None
    await records.undo_check_in(
        db, event=event, check_in_id=first.check_in.id, by_user=staff, reason="wrong person"
    )
    again = await scan(db, event, badge.token)
    assert isinstance(again, ScanAnswer)
    stats = await door_stats.check_in_stats(db, event=event)
    by_id = {s.scan_id: s for s in stats.recent_scans}
    assert by_id[first.scan_id].outcome == "ok" and by_id[first.scan_id].undone_at is not None
    assert by_id[again.scan_id].outcome == "ok" and by_id[again.scan_id].undone_at is None
    assert (stats.checked_in, stats.undone) == (1, 1)


async def test_csv_export_opens_in_a_spreadsheet_and_defuses_formulas(db: AsyncSession) -> None:
    event = await factories.event(db)
    _, badge = await factories.attendee(db, event=event, name="=HYPERLINK(1)", company='A, "B"')
    await factories.attendee(db, event=event, name="Zoë", company="@evil", title="-1+2")
    await scan(db, event, badge.token, gate="+G")
    pieces = [piece async for piece in door_stats.check_in_csv(db, event=event)]
    data = b"".join(pieces)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    lines = text.split("\r\n")
    assert lines[0].startswith("name,email,company,title,checked_in,")
    assert lines[1].startswith("'=HYPERLINK(1),") and ',"A, ""B""",' in lines[1]
    assert ",yes," in lines[1] and ",'+G,badge" in lines[1]
    assert lines[2].startswith("Zoë,") and ",'@evil,'-1+2,no," in lines[2]
    assert "\n" not in text.replace("\r\n", "")


@pytest.mark.parametrize("value", ["=1", "+1", "-1", "@x", "\tx", "\rx"])
def test_safe_cell_prefixes_formula_starts(value: str) -> None:
    assert spreadsheet.safe_cell(value) == "'" + value
    assert spreadsheet.safe_cell("plain") == "plain"
