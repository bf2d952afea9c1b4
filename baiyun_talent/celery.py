"""The Celery application: tasks run eagerly in-process unless REDIS_URL names a broker."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baiyun_talent.settings")

app = Celery("baiyun_talent")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
