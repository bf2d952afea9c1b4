"""Signals of the application side for the apps that build on it (cards), which it may not import."""

from django.dispatch import Signal

# Sent inside the transaction of every fired workflow transition, after its history entry is written, with
# `application` and `entry`: a receiver's writes commit or roll back with the transition (第五条（五）（六）).
transition_fired = Signal()
