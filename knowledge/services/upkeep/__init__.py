"""Looking after the install and its people: who may use it, each user's profile, backups, the
doctor, readiness.
"""
