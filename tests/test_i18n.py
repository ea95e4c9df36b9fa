"""The English catalogue and the language switch (issue #2).

Vietnamese is the interface language: msgids are Vietnamese and a new session sees Vietnamese
whatever the browser's Accept-Language says (capuy.core.locale.LocaleMiddleware). English shows
only after the user picks it with the switch in the user menu (Django's set_language view, which
sets the language cookie). The catalogues under */locale/en/ must be complete and the committed
.mo files must hold exactly what the .po files say, so CI needs no gettext tools.
"""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from capuy.core.testing import build_world, sign_in

ROOT = Path(settings.BASE_DIR)
CATALOGUES = sorted(ROOT.glob("capuy/**/locale/en/LC_MESSAGES/django.po"))
MAIN_CATALOGUE = ROOT / "capuy" / "locale" / "en" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|%%|\{\w*\}")


# --- a small .po reader (no polib in the environment) ---------------------------------------


def read_po(path: Path) -> list[dict]:
    """Entries of a .po file: {"flags": set, "msgctxt", "msgid", "msgid_plural", "msgstr": [..]}."""
    entries: list[dict] = []
    entry: dict | None = None
    key = None
    after_msgstr = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            entry, after_msgstr = None, False
            continue
        starts = line.startswith("#") or line.startswith(("msgid ", "msgctxt "))
        if entry is None or (after_msgstr and starts):
            entry = {"flags": set(), "msgctxt": None, "msgid": "", "msgid_plural": None}
            entry["msgstr"] = []
            entries.append(entry)
            after_msgstr = False
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        else:
            match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?) (".*")$', line)
            if match:
                key = match.group(1)
                value = ast.literal_eval(match.group(3))
                if key.startswith("msgstr"):
                    entry["msgstr"].append(value)
                    after_msgstr = True
                else:
                    entry[key] = value
            else:
                assert line.startswith('"'), f"{path}: unexpected line {line!r}"
                value = ast.literal_eval(line)
                if key.startswith("msgstr"):
                    entry["msgstr"][-1] += value
                else:
                    entry[key] += value
    return entries


def messages(path: Path) -> list[dict]:
    return [e for e in read_po(path) if e["msgid"]]


# --- the catalogue -------------------------------------------------------------------------


def test_the_english_catalogue_exists_and_is_not_small():
    assert MAIN_CATALOGUE in CATALOGUES
    assert len(messages(MAIN_CATALOGUE)) > 1000


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_message_is_translated_and_none_is_fuzzy(po):
    header = read_po(po)[0]
    assert header["msgid"] == "" and "fuzzy" not in header["flags"]
    assert "Language: en" in header["msgstr"][0]
    problems = []
    for e in messages(po):
        if "fuzzy" in e["flags"]:
            problems.append(("fuzzy", e["msgid"]))
        if not e["msgstr"] or not all(s.strip() for s in e["msgstr"]):
            problems.append(("empty", e["msgid"]))
        if e["msgid_plural"] is not None and len(e["msgstr"]) != 2:
            problems.append(("plural forms", e["msgid"]))
    assert problems == []


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_translations_keep_every_placeholder(po):
    problems = []
    for e in messages(po):
        sources = [e["msgid"]] + ([e["msgid_plural"]] if e["msgid_plural"] is not None else [])
        for source, target in zip(sources * 2, e["msgstr"], strict=False):
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(target)):
                problems.append((source, target))
            if re.findall(r"<[^>]+>", source) != re.findall(r"<[^>]+>", target):
                problems.append((source, target))
    assert problems == []


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_committed_mo_holds_exactly_the_po(po):
    """Stale .mo files are the usual i18n bug: compare by content, since git keeps no mtimes."""
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} missing: run capuy compilemessages"
    with mo.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    stale = []
    entries = messages(po)
    for e in entries:
        if e["msgid_plural"] is not None:
            got = [compiled.ngettext(e["msgid"], e["msgid_plural"], n) for n in (1, 2)]
        elif e["msgctxt"] is not None:
            got = [compiled.pgettext(e["msgctxt"], e["msgid"])]
        else:
            got = [compiled.gettext(e["msgid"])]
        if got != e["msgstr"]:
            stale.append(e["msgid"])
    # Nothing in the .mo that the .po no longer has (the header counts as one entry).
    keys = {k[0] if isinstance(k, tuple) else k for k in compiled._catalog}
    assert stale == [], "the .mo is older than the .po: run capuy compilemessages"
    assert len(keys) == len(entries) + 1, "the .mo differs from the .po: run compilemessages"


# --- the language switch -------------------------------------------------------------------


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def as_user(client, world):
    def _as(name: str):
        sign_in(client, world.users[name])
        return client

    return _as


def choose(client, language: str, next_url: str = "/"):
    return client.post(reverse("set_language"), {"language": language, "next": next_url})


@pytest.mark.django_db
def test_vietnamese_is_the_default_even_for_an_english_browser(as_user):
    client = as_user("office")
    page = client.get(reverse("core:home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = page.content.decode()
    assert page.status_code == 200
    assert '<html lang="vi">' in html
    assert "Tổng quan" in html and "Cây tổ chức đảng" in html
    assert "Overview" not in html
    assert page["Content-Language"] == "vi"
    assert 'data-testid="language-switch"' in html


@pytest.mark.django_db
def test_an_unknown_language_cookie_falls_back_to_vietnamese(as_user):
    client = as_user("office")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    html = client.get(reverse("core:home")).content.decode()
    assert '<html lang="vi">' in html and "Tổng quan" in html


@pytest.mark.django_db
def test_choosing_english_shows_english_pages(as_user):
    client = as_user("office")
    answer = choose(client, "en", reverse("organizations:tree"))
    assert answer.status_code == 302 and answer["Location"] == reverse("organizations:tree")
    assert answer.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    home = client.get(reverse("core:home")).content.decode()
    assert '<html lang="en">' in home
    assert "Overview" in home and "Party organization tree" in home
    assert "Sign out" in home and "Tổng quan" not in home

    tree = client.get(reverse("organizations:tree")).content.decode()
    assert "Party organization" in tree and "Disadvantaged area" in tree
    assert "Địa bàn khó khăn" not in tree
    # Data stays as entered: names of organizations are not translated.
    assert "Đảng bộ tỉnh Thử Nghiệm" in tree

    found = client.get(reverse("organizations:tree"), {"q": "an binh"}).content.decode()
    assert re.search(r"Organizations found: \d+<", found)
    assert "Tìm thấy" not in found and "Đảng bộ huyện An Bình" in found


@pytest.mark.django_db
def test_form_errors_are_in_english_after_choosing_english(as_user, world):
    client = as_user("office")
    choose(client, "en")
    page = client.post(
        reverse("members:create"),
        {
            "ho": "Nguyễn",
            "ten": "Bình",
            "birth_date": "31/02/1980",
            "gender": "nam",
            "admitted_on": "19/05/2005",
            "status": "chinh_thuc",
            "cell": world.cell.pk,
        },
    )
    html = page.content.decode()
    assert page.status_code in (200, 422)
    assert "Invalid date: enter it as dd/mm/yyyy" in html
    assert "Ngày không hợp lệ" not in html


@pytest.mark.django_db
def test_switching_back_to_vietnamese(as_user):
    client = as_user("office")
    choose(client, "en")
    assert "Overview" in client.get(reverse("core:home")).content.decode()
    choose(client, "vi")
    html = client.get(reverse("core:home")).content.decode()
    assert "Tổng quan" in html and "Overview" not in html


@pytest.mark.django_db
def test_the_switch_works_before_signing_in(client, world):
    """/i18n/ is exempt from the second-factor gate: the sign-in page can be read in English."""
    choose(client, "en", reverse("accounts:login"))
    html = client.get(reverse("accounts:login")).content.decode()
    assert "Sign in" in html and "Password" in html


@pytest.mark.django_db
def test_the_error_toasts_speak_the_chosen_language(as_user):
    # capuy.js reads its messages from #htmx-error's data- attributes.
    client = as_user("office")
    vietnamese = client.get(reverse("core:home")).content.decode()
    assert 'data-offline="Mất kết nối.' in vietnamese
    choose(client, "en")
    english = client.get(reverse("core:home")).content.decode()
    assert 'data-offline="Connection lost.' in english
    assert 'data-failed="Something went wrong (code {status}).' in english
