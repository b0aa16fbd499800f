"""The one door: every arrival (a message, a recording, a file, an export, an edit, the command
line's notes and imports) goes through `inbound.Inbound.receive`, which decides what it is
and does it; the lanes that give uploads turns; the rule for shared chats.
"""
