"""What mnemo sends on its own, at each user's time: the daily and weekly digests, reminders,
the deliveries that retry them, and the inbox of updates kept until handled.
"""
