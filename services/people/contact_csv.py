"""My contacts as CSV, with the exact column names Google Contacts and HubSpot imports expect.

UTF-8 with a BOM (so Excel opens it right); any cell that a spreadsheet would run as a formula
(starting with = + - @, tab or CR) is prefixed with a single quote.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from services.events.spreadsheet import safe_cell
from services.models import Contact
from services.people.vcard import split_name

GOOGLE_HEADER = [
    "First Name", "Middle Name", "Last Name", "Phonetic First Name", "Phonetic Middle Name",
    "Phonetic Last Name", "Name Prefix", "Name Suffix", "Nickname", "File As",
    "Organization Name", "Organization Title", "Organization Department", "Birthday", "Notes",
    "Photo", "Labels", "E-mail 1 - Label", "E-mail 1 - Value", "E-mail 2 - Label",
    "E-mail 2 - Value", "E-mail 3 - Label", "E-mail 3 - Value", "Phone 1 - Label",
    "Phone 1 - Value", "Phone 2 - Label", "Phone 2 - Value", "Phone 3 - Label", "Phone 3 - Value",
    "Custom Field 1 - Label", "Custom Field 1 - Value",
]  # fmt: skip
HUBSPOT_HEADER = [
    "First Name", "Last Name", "Email", "Phone Number", "Company Name", "Lifecycle Stage",
    "Contact owner",
]  # fmt: skip
FORMATS = ("google", "hubspot")


def _google_row(contact: Contact, notes: str) -> dict[str, str]:
    given, family = split_name(contact.name)
    return {
        "First Name": given,
        "Last Name": family,
        "File As": contact.name,
        "Organization Name": contact.company,
        "Organization Title": contact.title,
        "Notes": notes,
        "Labels": "* myContacts ::: Rapport",
        "E-mail 1 - Label": "* Work" if contact.email else "",
        "E-mail 1 - Value": contact.email,
        "Phone 1 - Label": "Mobile" if contact.phone else "",
        "Phone 1 - Value": contact.phone,
        "Custom Field 1 - Label": "LinkedIn" if contact.linkedin_url else "",
        "Custom Field 1 - Value": contact.linkedin_url,
    }


def _hubspot_row(contact: Contact, owner_email: str) -> dict[str, str]:
    given, family = split_name(contact.name)
    return {
        "First Name": given,
        "Last Name": family,
        "Email": contact.email,
        "Phone Number": contact.phone,
        "Company Name": contact.company,
        "Lifecycle Stage": "lead",
        "Contact owner": owner_email,
    }


def csv_header(fmt: str) -> bytes:
    """The file's start: a BOM (UTF-8), then the header line of the layout."""
    header = GOOGLE_HEADER if fmt == "google" else HUBSPOT_HEADER
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(header)
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def csv_rows(
    contacts: Sequence[Contact],
    *,
    fmt: str,
    owner_email: str,
    notes: dict[str, str] | None = None,
) -> bytes:
    """Rows of the file for these contacts; `notes` by contact id, only when asked for."""
    header = GOOGLE_HEADER if fmt == "google" else HUBSPOT_HEADER
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, restval="", lineterminator="\r\n")
    for contact in contacts:
        if fmt == "google":
            row = _google_row(contact, (notes or {}).get(str(contact.id), ""))
        else:
            row = _hubspot_row(contact, owner_email)
        writer.writerow({k: safe_cell(v) for k, v in row.items()})
    return out.getvalue().encode("utf-8")
