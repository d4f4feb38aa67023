"""Full-text search over my own contacts and notes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import CurrentUser, DbSession
from api.errors import ERROR_RESPONSES
from schemas.common import Text
from schemas.contacts import ContactOut
from schemas.search import SearchHitOut, SearchOut
from services.people import search

router = APIRouter(tags=["search"], responses=ERROR_RESPONSES)


@router.get(
    "/search",
    response_model=SearchOut,
    summary="Search my contacts and notes",
    description="Names, companies, titles, topics, note text. Every word must match (the last "
    "one as a prefix); question words such as “who talked about” are ignored. A match in the "
    "name ranks above one in a note.",
)
async def search_contacts(
    user: CurrentUser,
    db: DbSession,
    q: Annotated[Text, Query(min_length=1, max_length=200)],
    limit: Annotated[int, Query(ge=1, le=50)] = 20,
) -> SearchOut:
    hits = await search.search_contacts(db, user=user, query=q, limit=limit)
    return SearchOut(
        query=q,
        terms=search.search_terms(q),
        items=[
            SearchHitOut(
                contact=ContactOut.model_validate(h.contact),
                matched_in=h.matched_in,
                note_id=h.note_id,
                snippet=h.snippet,
            )
            for h in hits
        ],
    )
