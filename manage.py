#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baiyun_talent.settings")
    # manage.py is the developer's tool: without DEBUG in the environment it runs in development mode. Servers start
    # from wsgi.py (gunicorn) and Celery, where DEBUG is off unless set; production environments set DEBUG=false.
    os.environ.setdefault("DEBUG", "true")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
