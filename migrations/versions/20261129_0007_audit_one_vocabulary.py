"""audit: rewrite stored events to one vocabulary (entity = table name, action = feature.verb)

Four dialects were written before listening.audit.record enforced the rule:
"create" on "conversation" (entity id = the UUID), "pledge.create" on "assembly_pledge",
"themes.move_response" on "Response", "issue-token" on "user" … Each row is rewritten; a
conversation's UUID (and a campaign's slug) becomes its primary key when the row still exists.
Data only: the downgrade leaves the rows in the new vocabulary.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 14:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

events = sa.table(
    "accounts_audit_event",
    sa.column("id", sa.Integer),
    sa.column("action", sa.String),
    sa.column("entity", sa.String),
    sa.column("entity_id", sa.String),
    sa.column("after", sa.JSON),
)
conversations = sa.table("intake_conversation", sa.column("id"), sa.column("uuid"))
campaigns = sa.table("intake_campaign", sa.column("id"), sa.column("slug"))

# old entity → (table name, feature for an unqualified action)
ENTITIES = {
    "user": ("accounts_user", "accounts"),
    "conversation": ("intake_conversation", "intake"),
    "organisation": ("intake_organisation", "organisations"),
    "campaign": ("intake_campaign", "intake"),
    "conversation_import": ("intake_campaign", "intake"),
    "response": ("intake_response", "privacy"),
    "Campaign": ("intake_campaign", "themes"),
    "ThemeRun": ("themes_run", "themes"),
    "Response": ("intake_response", "themes"),
    "SubTheme": ("themes_sub_theme", "themes"),
    "Theme": ("themes_theme", "themes"),
}
# old "<noun>.<verb>" of the assembly package: the verb's new spelling
ASSEMBLY_VERBS = {"save": "update", "status": "set_status"}
FEATURES = ("organisations", "accounts", "intake", "themes", "assembly", "privacy")


def new_action(action: str, entity: str) -> str:
    """The `<feature>.<verb>` spelling of an old action."""
    if action.startswith(("privacy-", "purge-")):
        return "privacy." + action.removeprefix("privacy-").replace("-", "_")
    if "." not in action:
        feature = ENTITIES.get(entity, ("", "intake"))[1]
        return f"{feature}.{action.replace('-', '_')}"
    feature, verb = action.split(".", 1)
    if feature in FEATURES:
        return action
    if feature == "organisation":
        return f"organisations.{verb}"
    return f"assembly.{ASSEMBLY_VERBS.get(verb, verb)}"


def upgrade():
    connection = op.get_bind()
    uuids = dict(connection.execute(sa.select(conversations.c.uuid, conversations.c.id)).all())
    slugs = dict(connection.execute(sa.select(campaigns.c.slug, campaigns.c.id)).all())
    rows = connection.execute(
        sa.select(events.c.id, events.c.action, events.c.entity, events.c.entity_id, events.c.after)
    ).all()
    for row in rows:
        entity = ENTITIES.get(row.entity, (row.entity, ""))[0]
        entity_id = row.entity_id
        after = row.after
        if entity == "intake_conversation" and entity_id in uuids:
            entity_id = str(uuids[entity_id])
        elif row.entity == "campaign" and entity_id in slugs:
            entity_id = str(slugs[entity_id])
        elif row.entity == "conversation_import":
            slug = (after or {}).get("campaign")
            after = dict(after or {}) | {"file": entity_id}
            entity_id = str(slugs.get(slug, entity_id))
        values = {"action": new_action(row.action, row.entity), "entity": entity}
        values |= {"entity_id": entity_id, "after": after}
        if values != {
            "action": row.action,
            "entity": row.entity,
            "entity_id": row.entity_id,
            "after": row.after,
        }:
            connection.execute(sa.update(events).where(events.c.id == row.id).values(values))


def downgrade():
    pass  # data only: the old dialects are not worth restoring
