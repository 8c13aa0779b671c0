"""Every write of the three lists: transactional, permission-checked, audited.

Pages, API, the importer, the CLI and the demo call these functions and nothing else. One
module per group of actions; this package re-exports them so callers import `services` only."""

from .base import ALERT_MODULE, MAX_ATTACHMENT_BYTES, PERIOD, as_of, light_config, today
from .collaboration import (
    add_attachment,
    add_comment,
    add_problem,
    answer_instruction,
    decide_extension,
    instruct,
    request_extension,
    solve_problem,
)
from .imports import import_items
from .items import (
    ITEM_FIELDS,
    add_node,
    create_item,
    create_list,
    update_item,
    update_list,
)
from .lighting import REASONS, describe, recompute_light, set_manual_light, sync_light_alerts
from .notices import REMINDER_TITLES, issue_notice, send_reminder
from .reports import accept_report, return_report, submit_report
from .stats import record_month_stats

__all__ = [
    "ALERT_MODULE", "ITEM_FIELDS", "MAX_ATTACHMENT_BYTES", "PERIOD", "REASONS", "REMINDER_TITLES",
    "accept_report", "add_attachment", "add_comment", "add_node", "add_problem",
    "answer_instruction", "as_of", "create_item", "create_list", "decide_extension", "describe",
    "import_items", "instruct", "issue_notice", "light_config", "recompute_light",
    "record_month_stats", "request_extension", "return_report",
    "send_reminder", "set_manual_light", "solve_problem", "submit_report", "today",
    "sync_light_alerts", "update_item", "update_list",
]
