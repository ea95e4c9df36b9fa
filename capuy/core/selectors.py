"""Reads for the home page: what the signed-in user is responsible for, from stored counts."""

from django.db.models import Count, Q

from capuy.core.scoping import VIEW, scope_paths


def home_summary(user) -> dict:
    from capuy.organizations.choices import CELL_KINDS, GRASSROOTS_KINDS
    from capuy.organizations.models import Organization

    paths = scope_paths(user, VIEW)
    roots = Organization.objects.all()
    roots = roots.filter(depth=1) if paths is None else roots.filter(path__in=paths)
    roots = list(roots.only("id", "name", "code", "kind", "path", "member_count", "depth"))
    active = Q(dissolved_on__isnull=True)
    counts = (
        Organization.objects.visible_to(user)
        .filter(active)
        .aggregate(
            grassroots=Count("id", filter=Q(kind__in=GRASSROOTS_KINDS)),
            cells=Count("id", filter=Q(kind__in=CELL_KINDS)),
        )
    )
    return {
        "roots": roots,
        "members": sum(root.member_count for root in roots),
        "grassroots": counts["grassroots"],
        "cells": counts["cells"],
    }
