"""SQLAlchemy models. Alembic migrations (alembic/versions) are the only source of the schema."""

from services.db import Base
from services.models.checkin import CheckIn, CheckInMethod, CheckInScan, DoorSettings, ScanOutcome
from services.models.contacts import Card, CardShare, Contact, Notification, SearchEntry
from services.models.events import Attendee, Badge, Event, EventMember, EventRole
from services.models.followups import (
    DraftRun,
    FollowUp,
    FollowUpPreferences,
    FollowUpStatus,
    FollowUpTransition,
    MessageTemplate,
    TemplateKind,
)
from services.models.introductions import (
    Answer,
    Introduction,
    IntroductionParty,
    IntroductionStatus,
)
from services.models.jobs import Job, JobFilePart, JobStatus
from services.models.look_for import LookForEntry, LookForKind
from services.models.mail import EmailStatus, OutboundEmail
from services.models.notes import (
    Channel,
    DetailKind,
    Note,
    NoteTopic,
    PersonalDetail,
    Pitch,
    Promise,
    Warmth,
)
from services.models.reminders import Interaction, InteractionKind, KeepInTouch
from services.models.sync import (
    ContactAlias,
    DoorConflict,
    DoorOfflineScan,
    NoteConflict,
    SyncOperation,
)
from services.models.users import LoginLink, User, UserSession

__all__ = [
    "Answer",
    "Attendee",
    "Badge",
    "Base",
    "Card",
    "CardShare",
    "Channel",
    "CheckIn",
    "CheckInMethod",
    "CheckInScan",
    "Contact",
    "ContactAlias",
    "DetailKind",
    "DoorConflict",
    "DoorOfflineScan",
    "DoorSettings",
    "DraftRun",
    "EmailStatus",
    "Event",
    "EventMember",
    "EventRole",
    "FollowUp",
    "FollowUpPreferences",
    "FollowUpStatus",
    "FollowUpTransition",
    "Interaction",
    "InteractionKind",
    "Introduction",
    "IntroductionParty",
    "IntroductionStatus",
    "Job",
    "JobFilePart",
    "JobStatus",
    "KeepInTouch",
    "LoginLink",
    "LookForEntry",
    "LookForKind",
    "MessageTemplate",
    "Note",
    "NoteConflict",
    "NoteTopic",
    "Notification",
    "OutboundEmail",
    "PersonalDetail",
    "Pitch",
    "Promise",
    "ScanOutcome",
    "SearchEntry",
    "SyncOperation",
    "TemplateKind",
    "User",
    "UserSession",
    "Warmth",
]
