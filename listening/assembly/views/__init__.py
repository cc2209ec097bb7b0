"""Assembly views: the public tracker, open data, partner pages and staff pages."""

from listening.assembly import bp
from listening.publicity import public_count_text, public_parts_text

bp.add_app_template_filter(public_count_text, "public_count")
bp.add_app_template_filter(public_parts_text, "public_parts")

from listening.assembly.views import (  # noqa: E402,F401
    opendata,
    partners,
    public,
    staff,
    staff_events,
    staff_import,
    staff_quotes,
    staff_removal,
)
