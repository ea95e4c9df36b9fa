"""Chọn ngôn ngữ giao diện: tiếng Việt trừ khi người dùng đã tự chọn tiếng Anh.

Django's LocaleMiddleware also honours the browser's Accept-Language header, so an official
whose Chrome happens to be in English would get the English interface without asking for it.
Here the language comes only from the cookie set by the language switch (the set_language view
at /i18n/setlang/, in the user menu of base.html); without it, LANGUAGE_CODE ("vi").
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers


def language_from_cookie(request) -> str:
    """The language chosen with the switch, or the default when none (or an unknown one)."""
    code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if code:
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            pass
    return settings.LANGUAGE_CODE


class LocaleMiddleware(DjangoLocaleMiddleware):
    """LocaleMiddleware that ignores Accept-Language: Vietnamese unless English was chosen."""

    def process_request(self, request):
        translation.activate(language_from_cookie(request))
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        # No i18n_patterns here, so none of the parent's redirects apply; the page depends on
        # the language cookie, not on the Accept-Language header.
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
