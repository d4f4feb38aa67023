"""The review queue and scheduling: one draft at a time, approve / skip / snooze / edit /
cancel, send times in the user's zone, and every state change timestamped. A draft that still
says "[link]" is not approved; one drafted from a promise keeps it when marked sent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from services.errors import Conflict, Invalid, NotFound
from services.followups import delivery, queue, views
from services.models import Contact, FollowUp, Note, Promise, User
from tests import factories

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(hour: int, minute: int = 0, day: int = 23) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=BERLIN).astimezone(UTC)


@pytest.mark.parametrize(
    ("approved_at", "sends_at"),
    [
        (berlin(14, 0), berlin(14, 0)),  # daytime: now
        (berlin(7, 0), berlin(7, 0)),  # the night is over at 07:00
        (berlin(20, 59), berlin(20, 59)),
        (berlin(21, 0), berlin(9, 0, day=24)),  # late evening: 09:00 the next morning
        (berlin(23, 45), berlin(9, 0, day=24)),
        (berlin(2, 30), berlin(9, 0)),  # small hours: 09:00 the same morning
        (berlin(6, 59), berlin(9, 0)),
    ],
)
def test_late_approvals_wait_for_nine_the_next_morning(
    approved_at: datetime, sends_at: datetime
) -> None:
    assert queue.send_time(now=approved_at, zone=BERLIN) == sends_at


def test_morning_is_nine_local_across_a_daylight_saving_change() -> None:
    # 28 March 2027 22:00 in Berlin is still winter time; 09:00 the next day is summer time.
    approved = datetime(2027, 3, 27, 22, 0, tzinfo=BERLIN)
    sends = queue.send_time(now=approved.astimezone(UTC), zone=BERLIN)
    assert sends.astimezone(BERLIN).hour == 9
    assert sends == datetime(2027, 3, 28, 7, 0, tzinfo=UTC)


def test_a_picked_time_is_kept_and_a_past_one_means_now() -> None:
    now = berlin(22, 0)
    picked = berlin(15, 30, day=25)
    assert queue.send_time(now=now, zone=BERLIN, requested=picked) == picked
    assert queue.send_time(now=now, zone=BERLIN, requested=now - timedelta(hours=1)) == now
    with pytest.raises(Invalid):
        queue.send_time(now=now, zone=BERLIN, requested=datetime(2026, 11, 25, 9))
    with pytest.raises(Invalid):
        queue.send_time(now=now, zone=BERLIN, requested=now + timedelta(days=400))


async def drafts_for(db: AsyncSession, owner: User, n: int, **fields: object) -> list[FollowUp]:
    event = await factories.event(db)
    made = []
    for i in range(n):
        contact = await factories.met_contact(db, owner=owner, event=event, name=f"Person {i}")
        made.append(await factories.follow_up(db, owner=owner, contact=contact, **fields))
    return made


async def test_review_shows_one_draft_at_a_time_with_position_of_total(db: AsyncSession) -> None:
    owner = await factories.user(db)
    first, second, third = await drafts_for(db, owner, 3)
    event_id = first.event_id

    slot = await views.review_next(db, owner=owner, event_id=event_id)
    assert (slot.item and slot.item.id, slot.position, slot.total) == (first.id, 1, 3)

    await queue.approve(db, owner=owner, follow_up_id=first.id)
    slot = await views.review_next(db, owner=owner, event_id=event_id)
    assert (slot.item and slot.item.id, slot.position, slot.total) == (second.id, 2, 3)

    await queue.snooze(db, owner=owner, follow_up_id=second.id)
    slot = await views.review_next(db, owner=owner, event_id=event_id)
    assert (slot.item and slot.item.id, slot.position, slot.snoozed) == (third.id, 3, 1)

    await queue.skip(db, owner=owner, follow_up_id=third.id)
    slot = await views.review_next(db, owner=owner, event_id=event_id)
    assert slot.item is None and slot.remaining == 0 and slot.snoozed == 1 and slot.total == 3


async def test_review_without_an_event_counts_this_sitting(db: AsyncSession) -> None:
    owner = await factories.user(db)
    first, *_ = await drafts_for(db, owner, 3)
    await queue.skip(db, owner=owner, follow_up_id=first.id)
    slot = await views.review_next(db, owner=owner)
    assert (slot.position, slot.total, slot.remaining) == (2, 3, 2)


async def test_approving_an_email_schedules_it_with_every_step_timestamped(
    db: AsyncSession,
) -> None:
    owner = await factories.user(db, name="Ada Lovelace")
    (draft,) = await drafts_for(db, owner, 1)
    approved = await queue.approve(db, owner=owner, follow_up_id=draft.id)
    assert approved.status == "scheduled"
    assert approved.send_at is not None and approved.next_attempt_at == approved.send_at
    assert approved.from_name == "Ada Lovelace" and approved.reply_to == owner.email
    steps = [(t.from_status, t.to_status) for t in await views.history(db, follow_up=draft)]
    assert steps == [(None, "draft"), ("draft", "approved"), ("approved", "scheduled")]


async def test_an_email_without_an_address_cannot_be_approved(db: AsyncSession) -> None:
    owner = await factories.user(db)
    (draft,) = await drafts_for(db, owner, 1)
    contact = await db.get(Contact, draft.contact_id)
    assert contact is not None
    contact.email = ""
    await db.commit()
    with pytest.raises(Invalid) as refused:
        await queue.approve(db, owner=owner, follow_up_id=draft.id)
    assert refused.value.code == "no_email_address"


async def test_editing_an_approved_message_takes_it_back_to_draft(db: AsyncSession) -> None:
    owner = await factories.user(db)
    (draft,) = await drafts_for(db, owner, 1)
    await queue.approve(db, owner=owner, follow_up_id=draft.id)
    edited = await queue.edit(db, owner=owner, follow_up_id=draft.id, body="New words.\n")
    assert edited.status == "draft" and edited.send_at is None and edited.next_attempt_at is None
    assert edited.body == "New words.\n"
    assert (await views.history(db, follow_up=draft))[-1].detail == "edited: body"


async def test_changing_the_channel_of_a_draft_keeps_it_a_draft(db: AsyncSession) -> None:
    owner = await factories.user(db)
    (draft,) = await drafts_for(db, owner, 1)
    edited = await queue.edit(db, owner=owner, follow_up_id=draft.id, channel="linkedin")
    assert (edited.status, edited.channel) == ("draft", "linkedin")
    with pytest.raises(Invalid):
        await queue.edit(db, owner=owner, follow_up_id=draft.id, channel="fax")


async def test_cancel_before_sending_but_not_while_sending(db: AsyncSession) -> None:
    owner = await factories.user(db)
    scheduled, sending = await drafts_for(db, owner, 2)
    await queue.approve(db, owner=owner, follow_up_id=scheduled.id)
    cancelled = await queue.cancel(db, owner=owner, follow_up_id=scheduled.id)
    assert cancelled.status == "cancelled"
    sending.status = "sending"
    await db.commit()
    with pytest.raises(Conflict, match="being sent"):
        await queue.cancel(db, owner=owner, follow_up_id=sending.id)
    with pytest.raises(Conflict):
        await queue.edit(db, owner=owner, follow_up_id=sending.id, subject="Too late")


async def test_nothing_unapproved_is_ever_claimed_for_sending(db: AsyncSession) -> None:
    owner = await factories.user(db)
    drafts = await drafts_for(db, owner, 3)
    await queue.snooze(db, owner=owner, follow_up_id=drafts[0].id)
    await queue.skip(db, owner=owner, follow_up_id=drafts[1].id)
    await db.commit()
    assert await delivery.claim_due(db) == []


async def test_manual_channel_waits_approved_then_marked_sent(db: AsyncSession) -> None:
    owner = await factories.user(db)
    (draft,) = await drafts_for(db, owner, 1, channel="linkedin")
    approved = await queue.approve(db, owner=owner, follow_up_id=draft.id)
    assert approved.status == "approved" and approved.send_at is None
    await db.commit()
    assert await delivery.claim_due(db) == []
    sent = await queue.mark_sent(db, owner=owner, follow_up_id=draft.id)
    assert sent.status == "sent" and sent.sent_at is not None


async def test_email_cannot_be_marked_sent_by_hand(db: AsyncSession) -> None:
    owner = await factories.user(db)
    (draft,) = await drafts_for(db, owner, 1)
    with pytest.raises(Conflict):
        await queue.mark_sent(db, owner=owner, follow_up_id=draft.id)


async def test_skipped_message_can_be_reopened(db: AsyncSession) -> None:
    owner = await factories.user(db)
    (draft,) = await drafts_for(db, owner, 1)
    await queue.skip(db, owner=owner, follow_up_id=draft.id)
    reopened = await queue.reopen(db, owner=owner, follow_up_id=draft.id)
    assert reopened.status == "draft"


async def test_someone_elses_follow_up_is_not_found(db: AsyncSession) -> None:
    owner = await factories.user(db)
    stranger = await factories.user(db)
    (draft,) = await drafts_for(db, owner, 1)
    for action in (queue.approve, queue.skip, queue.cancel, queue.mark_sent):
        with pytest.raises(NotFound):
            await action(db, owner=stranger, follow_up_id=draft.id)


def test_handover_opens_only_https_profiles_and_phone_numbers() -> None:
    linked = FollowUp(channel="linkedin")
    assert queue.handover_url(linked, Contact(linkedin_url="https://linkedin.com/in/x")) == (
        "https://linkedin.com/in/x"
    )
    assert queue.handover_url(linked, Contact(linkedin_url="javascript:alert(1)")) is None
    phone = FollowUp(channel="phone")
    assert queue.handover_url(phone, Contact(phone="+4930123456")) == "tel:+4930123456"


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ({"body": "Hi,\n\nthe slides: [link]\n"}, ["body"]),
        ({"subject": "The slides [ Link ]"}, ["subject"]),
        ({"subject": "[LINK]", "body": "See [link]."}, ["subject", "body"]),
    ],
)
async def test_a_draft_still_saying_link_is_not_approved_until_edited(
    db: AsyncSession, change: dict[str, str], fields: list[str]
) -> None:
    owner = await factories.user(db)
    (draft,) = await drafts_for(db, owner, 1, **change)
    with pytest.raises(Invalid) as refused:
        await queue.approve(db, owner=owner, follow_up_id=draft.id)
    assert refused.value.code == "link_missing"
    assert refused.value.detail == "This message still says [link]: paste the link or remove it."
    assert [f.field for f in refused.value.fields] == fields
    assert {f.message for f in refused.value.fields} == {refused.value.detail}
    assert (await queue.get_follow_up(db, owner=owner, follow_up_id=draft.id)).status == "draft"

    await queue.edit(
        db,
        owner=owner,
        follow_up_id=draft.id,
        subject="The slides",
        body="Hi,\n\nthe slides: https://example.org/slides\n",
    )
    approved = await queue.approve(db, owner=owner, follow_up_id=draft.id)
    assert approved.status == "scheduled"


async def _promise(db: AsyncSession, promise_id: object) -> Promise:
    found = await db.get(Promise, promise_id, populate_existing=True)
    assert found is not None
    return found


async def test_marking_sent_keeps_the_promise_it_was_drafted_from_and_approving_does_not(
    db: AsyncSession,
) -> None:
    owner = await factories.user(db)
    draft, parts = await factories.drafted_from_promise(
        db,
        owner=owner,
        linkedin_url="https://www.linkedin.com/in/li-wei",
        preferred_channel="linkedin",
    )
    _other, other_parts = await factories.drafted_from_promise(db, owner=owner)
    kept, later = parts.promises
    assert draft.channel == "linkedin" and draft.promise_id == kept.id
    version = parts.note.version

    await queue.approve(db, owner=owner, follow_up_id=draft.id)
    await db.commit()
    assert not (await _promise(db, kept.id)).done  # approved is not sent

    sent = await queue.mark_sent(db, owner=owner, follow_up_id=draft.id)
    await db.commit()
    promise = await _promise(db, kept.id)
    assert promise.done and promise.done_at == sent.sent_at
    assert not (await _promise(db, later.id)).done  # only the promise drafted from
    assert not (await _promise(db, other_parts.promises[0].id)).done  # and nobody else's
    note = await db.get(Note, parts.note.id, populate_existing=True)
    assert note is not None and note.version == version + 1  # offline edits see the change
