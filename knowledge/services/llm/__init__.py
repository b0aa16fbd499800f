"""The local model as a shared engine: one worker thread that owns it, the fair queue that
gives users turns, the check that a build runs on this CPU, and the summarizer built on it.
"""
