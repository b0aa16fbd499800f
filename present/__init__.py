"""What a person reads, for both edges: the texts in four languages (`present.texts`), the
renderers of answers, digests and gathered lists as Telegram HTML (`present.render`,
`present.render_gathered`) and as a terminal's plain text (`present.render_plain`). The
bot and the command line import it; it imports the core's types and pure helpers only,
never Telegram, the bot or the command line (tests/test_layers.py)."""
