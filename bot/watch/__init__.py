"""Speaking up unasked: the store, watches and subscriptions, the schedule and the poller."""
