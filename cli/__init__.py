"""The `mnemo` command line: an adapter on the core, beside the Telegram bot."""
