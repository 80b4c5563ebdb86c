"""A minimal stand-in for huey's Redis queue (Debian has no huey package):
task() registers a function, calling it pushes a job onto a Redis list,
`manage.py run_huey` pops and runs the jobs."""
import json

import redis
from django.conf import settings

TASKS = {}


def connection():
    return redis.Redis.from_url(settings.HUEY["url"])


def queue_name():
    return "huey.queue." + settings.HUEY["name"]


def task():
    def register(function):
        name = f"{function.__module__}.{function.__name__}"
        TASKS[name] = function

        def enqueue(*args):
            connection().rpush(queue_name(), json.dumps({"task": name, "args": args}))

        enqueue.call_local = function
        return enqueue

    return register
