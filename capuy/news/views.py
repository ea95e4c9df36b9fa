"""News pages: the public site (no login, published items only) and the press office's pages.

The public item page counts the view (once per visitor per day, ``capuy.news.visitors``) before
rendering, and shows the counter that results. Office pages look items up through
``NewsItem.objects.visible_to`` (404 outside scope); writes go through the services.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from capuy.core.forms import add_service_errors
from capuy.core.history import history_rows
from capuy.core.scoping import CHANGE, can, has_any

from . import public, selectors, services, visitors
from .choices import NewsStatus
from .forms import DraftFromConferenceForm, NewsCreateForm, NewsItemForm, PhotoForm, ReasonForm

INVALID = 422


def _done(request, url):
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


def article_blocks(item, photos) -> list[tuple[str, object]]:
    """Paragraphs with the photos spread between them, the first after the first paragraph."""
    paragraphs = item.paragraphs()
    photos = list(photos)
    if not photos:
        return [("p", p) for p in paragraphs]
    step = max(1, len(paragraphs) // (len(photos) + 1)) if paragraphs else 1
    slots = {min(1 + index * step, len(paragraphs)): [] for index in range(len(photos))}
    for index, photo in enumerate(photos):
        slots.setdefault(min(1 + index * step, len(paragraphs)), []).append(photo)
    blocks: list[tuple[str, object]] = []
    for position in range(len(paragraphs) + 1):
        blocks.extend(("photo", photo) for photo in slots.get(position, []))
        if position < len(paragraphs):
            blocks.append(("p", paragraphs[position]))
    return blocks


# --- public -----------------------------------------------------------------------------------


@require_GET
def public_list(request):
    raw = request.GET.get("page", "1")
    page = int(raw) if raw.isdigit() and int(raw) > 0 else 1
    response = HttpResponse(public.list_page(page))
    patch_cache_control(response, public=True, max_age=30)
    return response


@require_GET
def public_detail(request, pk):
    visitor, new_cookie = visitors.visitor_id(request)
    today = timezone.localdate()
    item = public.read_and_count(pk, visitors.daily_hash(visitor, today), today)
    response = HttpResponse(public.page_with_views(item, article_blocks))
    if new_cookie:
        visitors.set_cookie(response, visitor)
    add_never_cache_headers(response)  # every view must reach the counter
    return response


@require_GET
def photo(request, pk):
    found = selectors.photo_get(request.user, pk)
    try:
        handle = found.image.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    kind = "image/png" if found.image.name.lower().endswith(".png") else "image/jpeg"
    response = FileResponse(handle, content_type=kind)
    if found.item.status == NewsStatus.PUBLISHED:
        patch_cache_control(response, public=True, max_age=86400)
    else:
        patch_cache_control(response, private=True, no_store=True)
    return response


# --- the press office -------------------------------------------------------------------------


@login_required
@require_GET
def manage_list(request):
    status = request.GET.get("status", "")
    status = status if status in NewsStatus.values else ""
    items = list(selectors.office_list(request.user, status=status)[:200])
    context = {
        "items": items,
        "status": status,
        "statuses": NewsStatus.choices,
        "can_create": has_any(request.user, CHANGE),
    }
    return render(request, "news/manage_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def create(request):
    if not has_any(request.user, CHANGE):
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        form = NewsCreateForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                item = services.news_create(
                    acting_user=request.user,
                    organization=form.cleaned_data["organization"],
                    **form.values(),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Đã tạo bản nháp."))
                return _done(request, item.get_absolute_url())
        status = INVALID
    else:
        form = NewsCreateForm(user=request.user)
    return render(request, "news/form.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def draft_from_conference(request):
    if not has_any(request.user, CHANGE):
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        form = DraftFromConferenceForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                item = services.news_draft_from_conference(
                    acting_user=request.user,
                    conference=form.cleaned_data["conference"],
                    author_initials=form.cleaned_data.get("author_initials") or "",
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Đã soạn bản nháp từ hồ sơ hội nghị; hãy đọc lại và sửa trước khi đăng."),
                )
                return _done(request, reverse("news:edit", args=[item.pk]))
        status = INVALID
    else:
        initial = {}
        if request.GET.get("conference", "").isdigit():
            initial["conference"] = int(request.GET["conference"])
        form = DraftFromConferenceForm(initial=initial, user=request.user)
    return render(request, "news/draft_from_conference.html", {"form": form}, status=status)


@login_required
@require_GET
def manage_detail(request, pk):
    item = selectors.office_get(request.user, pk)
    photos = list(item.photos.all())
    context = {
        "item": item,
        "photos": photos,
        "blocks": article_blocks(item, photos),
        "revisions": list(item.revisions.select_related("editor").order_by("-at")),
        "events": list(item.events.select_related("actor").order_by("-at")[:30]),
        "can_change": can(request.user, CHANGE, item),
    }
    return render(request, "news/manage_detail.html", context)


@login_required
@require_GET
def history(request, pk):
    item = selectors.office_get(request.user, pk)
    return render(request, "news/history.html", {"item": item, "rows": history_rows(item)})


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, pk):
    item = selectors.office_get(request.user, pk, CHANGE)
    status = 200
    if request.method == "POST":
        form = NewsItemForm(request.POST)
        if form.is_valid():
            try:
                services.news_update(
                    acting_user=request.user,
                    item=item,
                    revision_note=form.cleaned_data.get("revision_note") or "",
                    **form.values(),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Đã lưu tin bài."))
                return _done(request, item.get_absolute_url())
        status = INVALID
    else:
        form = NewsItemForm(initial=NewsItemForm.initial_from(item))
    return render(request, "news/form.html", {"form": form, "item": item}, status=status)


@login_required
@require_POST
def publish(request, pk):
    item = selectors.office_get(request.user, pk, CHANGE)
    try:
        services.news_publish(acting_user=request.user, item=item)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Đã đăng tin. Trang công khai đã hiển thị tin này."))
    return _done(request, item.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request, pk):
    item = selectors.office_get(request.user, pk, CHANGE)
    status = 200
    if request.method == "POST":
        form = ReasonForm(request.POST)
        if form.is_valid():
            try:
                services.news_withdraw(
                    acting_user=request.user, item=item, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Đã gỡ tin khỏi trang công khai."))
                return _done(request, item.get_absolute_url())
        status = INVALID
    else:
        form = ReasonForm()
    return render(request, "news/withdraw.html", {"form": form, "item": item}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def photo_add(request, pk):
    item = selectors.office_get(request.user, pk, CHANGE)
    status = 200
    if request.method == "POST":
        form = PhotoForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.news_photo_add(
                    acting_user=request.user,
                    item=item,
                    upload=form.cleaned_data["image"],
                    caption=form.cleaned_data.get("caption") or "",
                    revision_note=form.cleaned_data.get("revision_note") or "",
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Đã thêm ảnh."))
                return _done(request, item.get_absolute_url())
        status = INVALID
    else:
        form = PhotoForm()
    return render(request, "news/photo_form.html", {"form": form, "item": item}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def photo_delete(request, pk):
    found = selectors.photo_get(request.user, pk)
    if not can(request.user, CHANGE, found):
        raise Http404
    item = found.item
    error = None
    if request.method == "POST":
        try:
            services.news_photo_remove(
                acting_user=request.user,
                photo=found,
                revision_note=request.POST.get("revision_note", ""),
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Đã bỏ ảnh."))
            return _done(request, item.get_absolute_url())
    return render(
        request,
        "news/photo_delete.html",
        {"photo": found, "item": item, "error": error},
        status=INVALID if error else 200,
    )
