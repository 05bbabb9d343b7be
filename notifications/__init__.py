"""Notifications (email and in-app, sent by Celery after commit). Thin for now: the notifications issue fills it."""
