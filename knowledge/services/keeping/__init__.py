"""Putting things into memory: notes, files, photos, recordings, links and imports are read,
chunked, embedded and kept; edits rewrite what a message made; memory lists and forgets.
"""
