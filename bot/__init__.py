"""importrun-bot: Arena PLM import runs, in Slack."""

__version__ = "0.1.0"
