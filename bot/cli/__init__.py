"""The command line: `importrun-bot serve | demo | show | post | check`."""
