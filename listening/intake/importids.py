"""The UUID an imported conversation gets, worked out from its campaign, organisation and
reference so that importing a file again finds the same rows.

It is an HMAC under the installation's secret (`InstallationSecret`), so a partner who knows
another organisation's reference cannot compute the UUID and send a conversation under it
first (squatting it, and so blocking the import). Its last 48 bits are a second HMAC of the
first 80: the server can tell an import UUID from any client's (`is_import_uuid`) and refuses
one the sync API or the form would create. Before this (up to migration 0013) the UUID was a
plain uuid5 of the same values (`legacy_import_uuid`); the importer still recognises rows
imported that way, and nothing else.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid

from sqlalchemy.exc import IntegrityError

from listening.extensions import db
from listening.intake.models import InstallationSecret

SECRET_ID = 1
LEGACY_NAMESPACE = uuid.UUID("9a4b3c1e-5f0d-5a8e-9d2b-6c7e1f0a3b54")  # fixed: old UUIDs


def installation_secret() -> bytes:
    """The installation's secret; made (once, whoever comes first) when the row is missing."""
    row = db.session.get(InstallationSecret, SECRET_ID)
    if row is None:
        try:
            with db.session.begin_nested():
                row = InstallationSecret(id=SECRET_ID, secret=secrets.token_hex(32))
                db.session.add(row)
        except IntegrityError:  # another worker made it at the same moment: use theirs
            row = db.session.get(InstallationSecret, SECRET_ID)
    return bytes.fromhex(row.secret)


def import_uuid(secret: bytes, campaign_slug: str, organisation: int | str, reference: str) -> str:
    """Same secret, campaign, organisation (id) and reference → same UUID; nothing else does."""
    message = "\x1f".join(("import-v2", campaign_slug, str(organisation), reference))
    head = bytearray(hmac.new(secret, message.encode(), hashlib.sha256).digest()[:10])
    head[6] = (head[6] & 0x0F) | 0x40  # looks like any version 4 UUID
    head[8] = (head[8] & 0x3F) | 0x80
    return str(uuid.UUID(bytes=bytes(head) + _tag(secret, bytes(head))))


def is_import_uuid(secret: bytes, value: str) -> bool:
    """True when `value` was made by `import_uuid` (a client's random UUID: 1 in 2**48)."""
    raw = uuid.UUID(str(value)).bytes
    return hmac.compare_digest(raw[10:], _tag(secret, raw[:10]))


def _tag(secret: bytes, head: bytes) -> bytes:
    return hmac.new(secret, b"import-tag\x1f" + head, hashlib.sha256).digest()[:6]


def legacy_import_uuid(campaign_slug: str, organisation: str, reference: str) -> str:
    """The UUID imports had before migration 0013: anyone could compute it."""
    organisation = " ".join(organisation.lower().split())
    return str(uuid.uuid5(LEGACY_NAMESPACE, f"{campaign_slug}\x1f{organisation}\x1f{reference}"))
