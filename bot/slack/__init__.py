"""The Slack edge: the Bolt app, its listeners, HTTP or Socket Mode; the only code knowing Bolt."""
