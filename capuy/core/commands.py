"""The base of capuy's management commands."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    """A command whose ``help`` may be a lazy translation (``gettext_lazy``): it is read in the
    run's language (``CAPUY_LANGUAGE``) when the parser is made, since argparse takes no lazy
    string."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        self.help = str(self.help)
        return super().create_parser(prog_name, subcommand, **kwargs)
