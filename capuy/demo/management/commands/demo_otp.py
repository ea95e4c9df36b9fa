"""``capuy demo_otp``: the current two-factor codes of the demo users."""

from django.core.management.base import BaseCommand
from django_otp.plugins.otp_totp.models import TOTPDevice

from capuy.demo.otp import current_code
from capuy.demo.users import DEMO_EMAIL_DOMAIN


class Command(BaseCommand):
    help = "In mã xác thực 2 lớp (TOTP) hiện tại của các người dùng mẫu có thiết bị xác thực."

    def handle(self, *args, **options):
        devices = (
            TOTPDevice.objects.filter(confirmed=True, user__email__endswith=DEMO_EMAIL_DOMAIN)
            .select_related("user")
            .order_by("user__username", "id")
        )
        if not devices:
            self.stdout.write(
                "Chưa có người dùng mẫu nào có thiết bị xác thực (chạy `capuy demo`)."
            )
            return
        for device in devices:
            code = current_code(device)
            note = f"còn {code.seconds_left} giây"
            if code.already_used:
                note = f"đã dùng, chờ mã mới sau {code.seconds_left} giây"
            self.stdout.write(f"{device.user.username:<12} {code.code}  ({note})")
