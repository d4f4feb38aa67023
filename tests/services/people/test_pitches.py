from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from schemas.cards import CardSettingsIn
from schemas.pitches import PitchIn, PitchPatch
from services.errors import NotFound
from services.people import cards, pitches
from tests import factories


def test_words_are_counted_as_spoken() -> None:
    assert pitches.word_count("I don't build e-mail tools — I build batteries.") == 8
    assert pitches.word_count("") == 0


@pytest.mark.parametrize(
    ("words", "target", "fit", "delta"),
    [(130, 60, "on_target", 0.0), (65, 60, "under", -30.0), (195, 60, "over", 30.0)],
)
def test_timing_at_130_words_per_minute(words: int, target: int, fit: str, delta: float) -> None:
    timing = pitches.timing("word " * words, target_seconds=target, words_per_minute=130)
    assert (timing.fit, timing.over_under_seconds) == (fit, delta)


def test_a_faster_speaker_needs_less_time() -> None:
    timing = pitches.timing("word " * 80, target_seconds=30, words_per_minute=160)
    assert timing.speaking_seconds == 30.0 and timing.fit == "on_target"


async def test_a_pitch_can_be_my_cards_headline(db: AsyncSession) -> None:
    me = await factories.user(db)
    pitch, created = await pitches.create_pitch(
        db, user=me, data=PitchIn(title="Investors", text="We make batteries last twice as long.")
    )
    assert created
    card = await cards.update_card_settings(
        db, user=me, data=CardSettingsIn(headline_pitch_id=pitch.id, words_per_minute=150)
    )
    assert await cards.headline_of(db, card=card) == "We make batteries last twice as long."
    assert card.words_per_minute == 150
    await pitches.update_pitch(db, user=me, pitch_id=pitch.id, data=PitchPatch(text="New line."))
    assert (await cards.shared_view(db, card=card))["headline"] == "New line."
    await pitches.delete_pitch(db, user=me, pitch_id=pitch.id)
    assert card.headline_pitch_id is None


async def test_other_peoples_pitches_cannot_be_used(db: AsyncSession) -> None:
    me, other = await factories.user(db), await factories.user(db)
    theirs, _ = await pitches.create_pitch(db, user=other, data=PitchIn(title="Mine"))
    with pytest.raises(NotFound):
        await cards.update_card_settings(
            db, user=me, data=CardSettingsIn(headline_pitch_id=theirs.id)
        )
    with pytest.raises(NotFound):
        await pitches.get_pitch(db, user=me, pitch_id=theirs.id)
