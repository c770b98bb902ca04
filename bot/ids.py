"""Slack identifiers: the same strings as in manifest.yaml."""

COMMAND = "/importrun"
SHORTCUT_SHOW_RUN = "show_import_run"

ACTION_REFRESH = "run_refresh"
ACTION_SHARE = "run_share"
ACTION_WARNINGS = "run_warnings"
ACTION_WATCH = "run_watch"
ACTION_OPEN_ARENA = "run_open_arena"
ACTION_FAILED_ROWS = "run_failed_rows"
ACTION_SHOW_RUN = "run_show"
ACTION_WARNINGS_PAGE = "warnings_page"
ACTION_CHOOSE_IMPORT = "import_choose"
ACTION_LIST_RUNS = "import_runs"
ACTION_IMPORTS_PAGE = "imports_page"
ACTION_PICK_IMPORT = "import_pick"

VIEW_ASK_RUN = "ask_run_view"
