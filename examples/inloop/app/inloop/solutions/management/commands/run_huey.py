"""manage.py run_huey: the queue's consumer (huey.service runs it)."""
import json

from django.core.management.base import BaseCommand

from inloop.solutions import tasks  # noqa: F401 (registers the tasks)
from inloop.solutions.queue import TASKS, connection, queue_name


class Command(BaseCommand):
    help = "Run the task queue's consumer"

    def handle(self, *args, **options):
        redis = connection()
        redis.ping()
        self.stdout.write(f"consuming {queue_name()}", ending="\n")
        self.stdout.flush()
        while True:
            item = redis.blpop([queue_name()], timeout=30)
            if item is None:
                continue
            job = json.loads(item[1])
            TASKS[job["task"]](*job["args"])
