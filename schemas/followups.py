"""Follow-ups: templates, drafting, the review queue, and the queue's health."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from schemas.common import Input, OneLine, OrmModel, SubjectLine, TemplateName
from services.models.notes import DetailKind

TemplateKindName = Literal["resource", "conversation", "meet_again", "introduction", "custom"]
ChannelName = Literal["email", "linkedin", "phone", "other"]
StatusName = Literal[
    "draft", "approved", "scheduled", "sending", "sent", "failed", "skipped", "cancelled"
]


class TemplateIn(Input):
    kind: TemplateKindName = "custom"
    name: TemplateName
    subject: SubjectLine
    body: str = Field(min_length=1, max_length=10_000)


class TemplatePatch(Input):
    kind: TemplateKindName | None = None
    name: TemplateName | None = None
    subject: SubjectLine | None = None
    body: str | None = Field(default=None, min_length=1, max_length=10_000)


class TemplateOut(OrmModel):
    id: uuid.UUID
    kind: str
    name: str
    subject: str
    body: str
    updated_at: datetime


class PlaceholderOut(BaseModel):
    name: str = Field(description="Use as {{ name }}, or {% if name %}...{% endif %}")
    description: str


class PreviewIn(Input):
    """Preview a saved template (`template_id`) or unsaved text (`subject` and `body`)."""

    contact_id: uuid.UUID
    template_id: uuid.UUID | None = None
    subject: OneLine | None = Field(default=None, max_length=300)
    body: str | None = Field(default=None, max_length=10_000)

    @model_validator(mode="after")
    def _one_source(self) -> PreviewIn:
        if self.template_id is None and (self.subject is None or self.body is None):
            raise ValueError("give template_id, or both subject and body")
        return self


class RenderedOut(BaseModel):
    subject: str
    body: str


class AssistantOut(BaseModel):
    """Whether "Rewrite in my voice" is offered, and where it sends drafts."""

    available: bool
    host: str = ""


class AssistantRequestOut(BaseModel):
    """Exactly what "Rewrite in my voice" would send for a draft, and where."""

    url: str
    host: str
    body: dict[str, Any]


class RewriteOut(BaseModel):
    """The rewrite, checked; or (`body` empty) why the draft stays as it was."""

    body: str
    problem: str


class SentenceIn(Input):
    """One part of a note as it is being typed: a personal detail (with its kind), a topic,
    a promise (with its link) or a next step."""

    part: Literal["detail", "topic", "promise", "next_step"]
    text: str = Field(max_length=1000)
    kind: DetailKind | None = None
    link: str = Field(default="", max_length=2000)
    contact_id: uuid.UUID | None = Field(
        default=None, description="Whose note: their draft's own phrasing is shown"
    )


class SentenceOut(BaseModel):
    """The sentence the default draft makes of it ("" for none), and why there is none."""

    sentence: str
    note: str = ""


class DraftRequest(Input):
    """Draft for my contacts from an event, for the contacts listed, or (`scope` "all") for all
    my contacts, those met at no event (typed in, scanned from a vCard, imported) included."""

    event_id: uuid.UUID | None = None
    contact_ids: list[uuid.UUID] | None = Field(default=None, max_length=500)
    scope: Literal["all"] | None = Field(
        default=None, description='"all": every contact of mine, met at an event or not'
    )

    @model_validator(mode="after")
    def _all_or_chosen(self) -> DraftRequest:
        if self.scope == "all" and (self.event_id is not None or self.contact_ids):
            raise ValueError('give scope "all", or event_id / contact_ids, not both')
        return self


class SkippedOut(BaseModel):
    reason: Literal["no_way_to_reach"]
    count: int
    detail: str = Field(description="Why, and what to do, in words")
    names: list[str] = Field(description="Who (the first few, by name)")


class DraftResultOut(BaseModel):
    created: int = Field(description="New drafts made now")
    already_had_follow_up: int = Field(description="Chosen contacts that already had one")
    skipped: int = Field(description="Chosen contacts left without a draft (see skipped_why)")
    skipped_why: list[SkippedOut]


class ContactBrief(BaseModel):
    id: uuid.UUID
    name: str
    company: str
    email: str
    linkedin_url: str
    phone: str


class MissingFactOut(BaseModel):
    """A kind of fact a generic draft lacks: `part` to send back when adding one."""

    part: str
    label: str


class AddToDraftIn(Input):
    """Something from the conversation to note and to write into a generic draft."""

    part: Literal["topic", "detail", "promise", "next_step"]
    text: str = Field(min_length=1, max_length=500)
    kind: DetailKind | None = Field(default=None, description="For a personal detail")


class FollowUpOut(OrmModel):
    id: uuid.UUID
    contact: ContactBrief
    event_id: uuid.UUID | None
    template_id: uuid.UUID | None
    promise_id: uuid.UUID | None = Field(
        description="The promise this draft was written to keep: done once the message is sent"
    )
    channel: ChannelName
    subject: str
    body: str
    status: StatusName
    to_address: str
    send_at: datetime | None
    next_attempt_at: datetime | None
    attempts: int
    last_error: str | None = Field(description="Why sending failed, in words")
    snoozed_until: datetime | None
    sent_at: datetime | None
    status_changed_at: datetime
    created_at: datetime
    handover_url: str | None = Field(
        description="Manual channels: the profile or tel: link to open after copying the text"
    )
    generic: bool = Field(
        default=False, description="A draft that mentions nothing of the conversation"
    )
    missing: list[MissingFactOut] = Field(
        default_factory=list, description="What a generic draft could mention, to add one"
    )


class FollowUpPatch(Input):
    """Editing an approved or scheduled message takes it back to draft."""

    subject: OneLine | None = Field(default=None, min_length=1, max_length=300)
    body: str | None = Field(default=None, min_length=1, max_length=10_000)
    channel: ChannelName | None = None


class ApproveIn(Input):
    send_at: datetime | None = Field(
        default=None,
        description="When to send (with time zone). Default: now, or 09:00 the next morning "
        "in my time zone when approved between 21:00 and 07:00",
    )


class SnoozeIn(Input):
    until: datetime | None = Field(
        default=None, description="Default: 09:00 tomorrow in my time zone"
    )


class ReviewOut(BaseModel):
    """The draft to review now: "position of total" (e.g. 7 of 23)."""

    item: FollowUpOut | None
    position: int
    total: int
    remaining: int = Field(description="Drafts still to review now")
    snoozed: int = Field(description="Drafts put aside until later")


class TransitionOut(OrmModel):
    from_status: str | None
    to_status: str
    at: datetime
    detail: str


class QueueHealthOut(BaseModel):
    due: int = Field(description="Messages due now and not yet claimed")
    oldest_due_seconds: float | None = Field(description="How late the oldest due message is")
    sending: int
    stuck: int = Field(description="Claimed by a worker whose lease ran out")
    scheduled_later: int
    failed_last_day: int
    awaiting_review: int
