"""``capuy demo_otp``: the current two-factor codes of the demo users."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from capuy.core.commands import Command as CapuyCommand
from capuy.demo.otp import current_code
from capuy.demo.users import DEMO_EMAIL_DOMAIN


class Command(CapuyCommand):
    help = gettext_lazy(
        "In mã xác thực 2 lớp (TOTP) hiện tại của các người dùng mẫu có thiết bị xác thực."
    )

    def handle(self, *args, **options):
        devices = (
            TOTPDevice.objects.filter(confirmed=True, user__email__endswith=DEMO_EMAIL_DOMAIN)
            .select_related("user")
            .order_by("user__username", "id")
        )
        if not devices:
            self.stdout.write(
                _("Chưa có người dùng mẫu nào có thiết bị xác thực (chạy `capuy demo`).")
            )
            return
        for device in devices:
            code = current_code(device)
            seconds = code.seconds_left
            if code.already_used:
                note = ngettext(
                    "đã dùng, chờ mã mới sau %(seconds)s giây",
                    "đã dùng, chờ mã mới sau %(seconds)s giây",
                    seconds,
                )
            else:
                note = ngettext("còn %(seconds)s giây", "còn %(seconds)s giây", seconds)
            note %= {"seconds": seconds}
            self.stdout.write(f"{device.user.username:<12} {code.code}  ({note})")
