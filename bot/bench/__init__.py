"""`make bench`: figures for the Arena client, the cards, the slash command and the poller."""
