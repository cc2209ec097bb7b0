"""Load a Pol.is open-data conversation (compdemocracy/openData) as a demo campaign.

Each accepted comment becomes one single-person online conversation. The data is CC BY 4.0:
the attribution is stored on the campaign and must be shown wherever the data is shown.
"""

from __future__ import annotations

import csv
import os
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from listening.accounts.models import User
from listening.intake import operations
from listening.intake.demo.records import ensure_campaign, ensure_organisation

ATTRIBUTION = (
    "Data was gathered using the Polis software (compdemocracy.org/polis) and is sub-licensed "
    "under CC BY 4.0 with Attribution to The Computational Democracy Project."
)
REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_REALDATA_DIR = REPO_ROOT.parent / "shared" / "realdata"
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://pol.is/")
ORGANISATION = "Pol.is (The Computational Democracy Project)"
# The facilitator's (author 0) "I am… / My ethnicity is…" statements: demographics, not answers.
_DEMOGRAPHIC = re.compile(
    r"^\s*(?:I am between|I'm between|I am aged|I identify as|My (?:ethnicity|gender|age)\b|"
    r"English is my|I had at least one|Are you\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class PolisConversation:
    """What the demo needs to know about one Pol.is conversation folder."""

    folder: str
    slug: str
    name: str
    case_study: str


LONDON_YOUTH_POLICING = PolisConversation(
    folder="london.youth.policing",
    slug="polis-london-youth-policing",
    name="Young people and the scrutiny of policing in London (Pol.is, 2022)",
    case_study="compdemocracy.org/case-studies/2022-london-youth-policing",
)


@dataclass(frozen=True)
class PolisComment:
    comment_id: int
    author_id: int
    written_on: date
    text: str


def realdata_dir(configured: str | os.PathLike | None = None) -> Path:
    """The shared real-data folder: `configured`, else LISTENING_REALDATA_DIR, else ../shared."""
    value = configured or os.environ.get("LISTENING_REALDATA_DIR")
    return Path(value) if value else DEFAULT_REALDATA_DIR


def is_seed_statement(author_id: int, text: str) -> bool:
    """A facilitator's demographic statement or question rather than a participant's view."""
    return author_id == 0 and bool(_DEMOGRAPHIC.match(text))


def read_comments(folder: Path) -> list[PolisComment]:
    """Accepted comments (moderated == 1), oldest first, without demographic seed statements."""
    comments = []
    with (folder / "comments.csv").open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            text = " ".join((row["comment-body"] or "").split())
            author_id = int(row["author-id"])
            if row["moderated"].strip() != "1" or not text or is_seed_statement(author_id, text):
                continue
            written = datetime.fromtimestamp(int(row["timestamp"]) / 1000, UTC).date()
            comments.append(PolisComment(int(row["comment-id"]), author_id, written, text))
    return sorted(comments, key=lambda c: (c.written_on, c.comment_id))


def read_topic(folder: Path) -> str:
    """The conversation's prompt from summary.csv ("topic" row), or ""."""
    path = folder / "summary.csv"
    if not path.exists():
        return ""
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.reader(handle):
            if len(row) >= 2 and row[0] == "topic":
                return row[1].strip()
    return ""


def comment_uuid(conversation: PolisConversation, comment: PolisComment) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{conversation.folder}/{comment.comment_id}"))


def import_polis_campaign(
    folder: Path, actor: User, conversation: PolisConversation = LONDON_YOUTH_POLICING
):
    """Create (or complete) the campaign for one Pol.is conversation; returns
    (campaign, comments kept, conversations created)."""
    comments = read_comments(folder)
    campaign, _created = ensure_campaign(
        {
            "slug": conversation.slug,
            "name": conversation.name,
            "question": read_topic(folder),
            "description": f"Comments from a public Pol.is conversation: {conversation.case_study}",
            "attribution": ATTRIBUTION,
            "starts_on": min((c.written_on for c in comments), default=None),
            "ends_on": max((c.written_on for c in comments), default=None),
        },
        [("unspecified", "Area not specified", None, None)],
    )
    area = campaign.areas[0]
    ensure_organisation(ORGANISATION, "other", area, "facilitating", "Pol.is open data.")
    created = 0
    for comment in comments:
        data = operations.ConversationInput(
            uuid=comment_uuid(conversation, comment),
            campaign=campaign.slug,
            borough="unspecified",
            organisation=ORGANISATION,
            date=comment.written_on,
            format="online",
            people_count=1,
            groups=(),
            consent_to_quote=False,  # Pol.is participants agreed to open data, not to quotes
            responses=(comment.text,),
            reference=f"polis:{conversation.folder}:{comment.comment_id}",
        )
        created += operations.save_conversation(data, actor, source="import")[1]
    return campaign, len(comments), created
