"""The Arena PLM adapter: `ArenaClient`, its models and its errors."""
