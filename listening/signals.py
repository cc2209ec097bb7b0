"""The signals features send upward, so a lower feature never imports a higher one.

Senders call `.send(<feature name>, ...)` inside the unit of work, before the caller commits;
receivers that write (the page cache's generation stamp) join that same transaction.
"""

from __future__ import annotations

from flask.signals import Namespace

_signals = Namespace()

#: intake → themes: these conversations were submitted (after commit), `ids=[conversation id…]`.
conversations_submitted = _signals.signal("conversations-submitted")

#: any feature → page cache: something shown on public pages changed in this transaction.
public_data_changed = _signals.signal("public-data-changed")


def public_changed(feature: str) -> None:
    """Say that public data changed in the current unit of work."""
    public_data_changed.send(feature)


#: assembly → follow: a progress update was posted on a pledge (before the caller commits),
#: `pledge_progress_posted.send("assembly", pledge_id=…, update_id=…)`.
pledge_progress_posted = _signals.signal("pledge-progress-posted")

#: assembly → follow: staff changed a pledge's status directly, not by an update (before the
#: caller commits), `pledge_status_changed.send("assembly", pledge_id=…, before=…, after=…)`.
pledge_status_changed = _signals.signal("pledge-status-changed")
#: intake → themes: these answers were flagged as likely safeguarding disclosures (inside the
#: unit of work), `ids=[response id…]`: themes forgets them (assignments, examples, keywords).
responses_flagged = _signals.signal("responses-flagged")

#: intake → assembly: the words of these answers changed (an edit, or a new redactor) inside
#: the unit of work, `ids=[response id…]`: their approved quotes are withdrawn.
responses_reworded = _signals.signal("responses-reworded")
