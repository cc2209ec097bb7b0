"""Create and change events, pledges, signatories, actions, metrics, readings and updates.

Every function takes the acting user, validates the rules a person can break (raising
AssemblyError naming the field), records an audit event and only flushes: the caller commits.
Split by subject; everything is importable from here.
"""

from listening.assembly.operations.common import (
    EARLIEST,
    AssemblyError,
    check_value,
    find_or_create_organisation,
    snapshot,
)
from listening.assembly.operations.events import (
    EventInput,
    add_idea,
    delete_event,
    delete_idea,
    event_snapshot,
    link_idea,
    save_event,
)
from listening.assembly.operations.pledges import (
    PledgeInput,
    SignatoryInput,
    add_signatory,
    delete_pledge,
    pledge_snapshot,
    remove_signatory,
    save_pledge,
)
from listening.assembly.operations.removal import archive_pledge, consequences, restore_pledge
from listening.assembly.operations.tracking import (
    ActionInput,
    MetricInput,
    UpdateInput,
    delete_action,
    delete_metric,
    delete_reading,
    delete_update,
    post_update,
    record_reading,
    save_action,
    save_metric,
)

__all__ = [
    "EARLIEST",
    "AssemblyError",
    "check_value",
    "find_or_create_organisation",
    "snapshot",
    "EventInput",
    "add_idea",
    "delete_event",
    "delete_idea",
    "link_idea",
    "event_snapshot",
    "save_event",
    "PledgeInput",
    "SignatoryInput",
    "add_signatory",
    "delete_pledge",
    "pledge_snapshot",
    "remove_signatory",
    "save_pledge",
    "archive_pledge",
    "consequences",
    "restore_pledge",
    "ActionInput",
    "MetricInput",
    "UpdateInput",
    "delete_action",
    "delete_metric",
    "delete_reading",
    "delete_update",
    "post_update",
    "record_reading",
    "save_action",
    "save_metric",
]
