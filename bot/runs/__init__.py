"""A run as both wings show it: its card with its change order, or an error as a sentence."""
