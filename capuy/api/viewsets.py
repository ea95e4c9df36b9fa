"""The base of every API viewset: scoped reads, service writes, service errors as 400/403."""

from rest_framework import viewsets

from .exceptions import exception_handler


class ScopedViewSet(viewsets.GenericViewSet):
    """Subclasses start ``get_queryset`` from ``Model.objects.visible_to(user, VIEW)``.

    DRF looks single objects up in that queryset, so an object outside the user's scope is a
    404 for every method; ``ScopedPermission`` then refuses writes on objects that are only
    visible (403).
    """

    def get_exception_handler(self):
        return exception_handler


class ServiceWritesMixin:
    """Hand DRF's create/update/destroy to the app's services instead of ``serializer.save()``.

    List it before DRF's mixins. Each resource implements the ``service_*`` hooks it offers;
    the services take ``acting_user`` and re-check scope inside their transactions.
    """

    def service_create(self, data: dict):
        raise NotImplementedError

    def service_update(self, instance, data: dict):
        raise NotImplementedError

    def service_destroy(self, instance) -> None:
        raise NotImplementedError

    def perform_create(self, serializer):
        serializer.instance = self.reread(self.service_create(serializer.validated_data))

    def perform_update(self, serializer):
        updated = self.service_update(serializer.instance, serializer.validated_data)
        serializer.instance = self.reread(updated)

    def perform_destroy(self, instance):
        self.service_destroy(instance)

    def reread(self, obj):
        """The written object as the list shows it (annotations, related rows) for the reply."""
        return self.get_queryset().get(pk=obj.pk)
