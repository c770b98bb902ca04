"""Block Kit and mrkdwn as terminal text, for `show` and the demo console."""
