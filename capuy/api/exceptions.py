"""How errors raised below the API become responses.

Services raise Django's ``ValidationError`` (with the field names of their keyword arguments,
which the serializers reuse) and ``OutOfScope``; DRF would answer the first with a 500 and the
second with a generic 403, so both are translated here before DRF's own handler runs.
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.fields import get_error_detail
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from capuy.core.scoping import OutOfScope


def validation_error_detail(error: DjangoValidationError) -> dict:
    """``{field: [messages]}`` with ``__all__`` renamed to DRF's ``non_field_errors``."""
    detail = get_error_detail(error)
    if not isinstance(detail, dict):
        detail = {NON_FIELD_ERRORS: detail}
    return {
        (api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field): messages
        for field, messages in detail.items()
    }


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(validation_error_detail(exc))
    elif isinstance(exc, OutOfScope):
        exc = exceptions.PermissionDenied(str(exc))
    elif isinstance(exc, Http404):
        # get_object_or_404 says "No Member matches the given query." (English, and it names
        # the model); one plain "Không tìm thấy." is the same for missing and out-of-scope.
        exc = exceptions.NotFound()
    return drf_exception_handler(exc, context)
