"""What a person reads, for both edges: the texts in four languages (`present.texts`) and
the renderers of answers, digests and gathered lists (`present.render`,
`present.render_gathered`). The bot and the command line import it; it imports the core's
types only, never Telegram."""
