"""A custom command: prints how many notes there are."""
from django.core.management.base import BaseCommand

from notes.models import Note


class Command(BaseCommand):
    help = "Prints the number of notes"

    def handle(self, *args, **options):
        self.stdout.write("notes: %d" % Note.objects.count())
