"""Case filters from query strings, shared by the API and the counselor pages."""

from __future__ import annotations

from typing import Any

from mamori.cases.records import CaseFilters
from mamori.errors import RecordError

__all__ = ["FILTER_FIELDS", "case_filters", "parse_bool"]

FILTER_FIELDS = ("tactic", "channel", "section", "status", "label", "prefecture", "date_from", "date_to", "public")


def parse_bool(value: Any, name: str) -> bool | None:
    """``true``/``false`` (and 1/0, yes/no) from a query string; blank is None."""
    if value is None or isinstance(value, bool):
        return value
    key = str(value).strip().lower()
    if not key:
        return None
    if key in {"1", "true", "yes", "on"}:
        return True
    if key in {"0", "false", "no", "off"}:
        return False
    raise RecordError(f"{name} must be true or false")


def case_filters(values: dict[str, Any]) -> CaseFilters:
    """Checked CaseFilters from a mapping of query values; blanks mean "any".

    Raises:
        RecordError, ChannelError: a value that is not one of the allowed ones.
    """
    picked = {name: (values.get(name) or None) for name in FILTER_FIELDS if name != "public"}
    picked = {k: v.strip() if isinstance(v, str) else v for k, v in picked.items()}
    return CaseFilters(**{k: v or None for k, v in picked.items()},
                       public=parse_bool(values.get("public"), "public")).checked()
