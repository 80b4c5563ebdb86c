"""manage.py set_default_site NAME DOMAIN: the default site (SITE_ID) gets
NAME and DOMAIN. Prints "changed" or "unchanged" (the playbook's
changed_when reads it)."""
from django.conf import settings
from django.contrib.sites.models import Site
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Set the name and domain of the default site"

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("domain")

    def handle(self, *args, name, domain, **options):
        site, created = Site.objects.get_or_create(
            id=settings.SITE_ID, defaults={"name": name, "domain": domain}
        )
        if created or (site.name, site.domain) != (name, domain):
            site.name, site.domain = name, domain
            site.save()
            self.stdout.write("changed")
        else:
            self.stdout.write("unchanged")
