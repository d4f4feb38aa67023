"""The organizer's meeting figures: requests sent, accepted, declined and expired, meetings
held and no-shows per day, how full each place is per slot, and the CSV (cells a spreadsheet
will not run). Counts only, and only for the organizer."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import httpx
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from tests import support
from tests.api.test_meetings import API, START, Clock, asked, clock, slot, venue
from tests.conftest import ClientFactory

__all__ = ["clock"]


async def test_figures_per_day_and_place_fullness_for_the_organizer_only(
    db: AsyncSession, make_client: ClientFactory, clock: Clock
) -> None:
    places = [{"name": "=Table 1", "capacity": 1}, {"name": "Table 2", "capacity": 2}]
    v = await venue(db, make_client, people=8, places=places, expiry_hours=1)
    p = v.people
    accepted = []
    for x, y in [(p[0], p[1]), (p[2], p[3])]:
        request = await asked(v, x, y, [0])
        got = await y.client.post(
            f"{API}/meeting-requests/{request['id']}/accept", json={"slot": slot(0)}
        )
        assert got.status_code == 200, got.text
        accepted.append(got.json()["meeting_id"])
    declined = await asked(v, p[4], p[5], [1])
    await p[5].client.post(f"{API}/meeting-requests/{declined['id']}/decline", json={})
    await asked(v, p[6], p[7], [1])  # never answered: expires after an hour
    clock.move(START + timedelta(minutes=25) - clock.at)  # the first slot is over
    assert (await p[0].client.post(f"{API}/meetings/{accepted[0]}/we-met")).status_code == 200

    for outsider in (p[0].client, p[6].client):
        assert (await outsider.get(f"{v.base}/stats")).status_code == 403
    figures = (await v.organizer.get(f"{v.base}/stats")).json()
    by_day = {d["day"]: d for d in figures["days"]}
    assert sorted(by_day) == ["2030-06-09", "2030-06-10"]  # in Berlin
    asked_day = by_day["2030-06-09"]  # asked, answered and expired the day before
    assert (asked_day["requests_sent"], asked_day["accepted"]) == (4, 2)
    assert (asked_day["declined"], asked_day["expired"]) == (1, 1)
    assert (by_day["2030-06-10"]["held"], by_day["2030-06-10"]["no_shows"]) == (1, 1)
    assert len(figures["slots"]) == 6
    fullness = {f["place"]: f["booked"] for f in figures["places"]}
    assert fullness == {"=Table 1": [1, 0, 0, 0, 0, 0], "Table 2": [1, 0, 0, 0, 0, 0]}
    assert "Person" not in str(figures)  # counts only, no names

    exported = await v.organizer.get(f"{v.base}/stats.csv")
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["day", "requests_sent"]
    places_at = rows.index([])
    assert rows[places_at + 1] == ["slot (Europe/Berlin)", "place", "capacity", "booked"]
    assert ["2030-06-10 09:00", "'=Table 1", "1", "1"] in rows
    assert (await p[0].client.get(f"{v.base}/stats.csv")).status_code == 403


async def test_my_data_export_holds_my_meeting_requests_and_meetings(
    app: FastAPI, db: AsyncSession, make_client: ClientFactory, clock: Clock
) -> None:
    v = await venue(db, make_client, people=3)
    a, b, c = v.people
    request = await asked(v, a, b, [1])
    await b.client.post(f"{API}/meeting-requests/{request['id']}/accept", json={"slot": slot(1)})
    for person in (a, b):
        exported = (await _export(app, person.client)).json()
        (mine,) = exported["meetings"]
        assert mine["message"] == "Coffee?" and mine["meeting"]["place_name"] == "Table 4"
    assert (await _export(app, c.client)).json()["meetings"] == []


async def _export(app: FastAPI, client: httpx.AsyncClient) -> httpx.Response:
    return await support.job_file(app, client, await client.post(f"{API}/me/export"))
