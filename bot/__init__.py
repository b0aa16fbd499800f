"""The Telegram adapter over the knowledge core (python-telegram-bot)."""
