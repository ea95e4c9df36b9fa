"""Serializer building blocks shared by every resource of the API."""

from rest_framework import serializers

from capuy.core.scoping import VIEW


class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """A reference by id to an object the requesting user may see.

    An id outside the user's scope gets the same "does not exist" answer as a missing one, so
    the API never confirms that something exists elsewhere in the tree. Whether the user may
    also *change* it is the service's decision (``ensure_in_scope``).
    """

    def __init__(self, model, **kwargs):
        self.model = model
        if not kwargs.get("read_only"):
            # The real choices are per request (get_queryset); this one only names the model
            # for DRF's checks and the schema.
            kwargs.setdefault("queryset", model._default_manager.all())
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        return self.model._default_manager.visible_to(getattr(request, "user", None), VIEW)


class ServiceSerializer(serializers.ModelSerializer):
    """Validates input and renders output; the write itself is a service call in the viewset.

    ``Meta.create_only_fields`` are accepted when creating and read-only afterwards (a member's
    cell changes by transfer, an organization's place in the tree not at all).
    """

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            for name in getattr(self.Meta, "create_only_fields", ()):
                fields[name].read_only = True
        return fields

    def save(self, **kwargs):
        raise AssertionError(
            f"{type(self).__name__}.save(): API writes go through the app's services."
        )
