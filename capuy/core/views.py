from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .selectors import home_summary


@login_required
def home(request):
    grants = request.user.role_grants.select_related("organization")
    return render(
        request, "core/home.html", {"summary": home_summary(request.user), "grants": grants}
    )
