from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from capuy.accounts.models import User
from capuy.accounts.services import api_token_issue
from capuy.core.commands import Command as CapuyCommand


class Command(CapuyCommand):
    help = gettext_lazy("Tạo khóa API cho một người dùng: capuy token create USERNAME [--name TÊN]")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help=_("tạo khóa mới và in ra (chỉ hiện một lần)"))
        create.add_argument("username")
        create.add_argument("--name", default="")

    def handle(self, *args, **options):
        try:
            user = User.objects.get(username=options["username"])
        except User.DoesNotExist as exc:
            raise CommandError(
                _("Không có người dùng «%(username)s».") % {"username": options["username"]}
            ) from exc
        _token, raw = api_token_issue(user=user, name=options["name"])
        self.stdout.write(raw)
