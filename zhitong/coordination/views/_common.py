"""Shared helpers of the coordination views: they are every app's page helpers now
(`zhitong.common.pages`), re-exported here for the coordination views."""

from zhitong.common.pages import (  # noqa: F401
    MoveForm,
    create_view,
    first_error,
    get_or_404,
    histories_of,
    history_rows,
    invalid,
    move_forms,
    move_view,
    parse_month,
    perform,
    today,
)
