"""The ``capuy`` console script: the project's manage.py (``capuy migrate``, ``capuy demo``…).

``CAPUY_LANGUAGE=en capuy …`` runs the command in English (its messages, errors and help);
without the variable the commands speak the server's language, Vietnamese.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "capuy.settings")
    from django.core.management import execute_from_command_line

    language = os.environ.get("CAPUY_LANGUAGE", "")
    if language:
        activate_language(language, sys.argv)
    execute_from_command_line(sys.argv)


def activate_language(code: str, argv: list[str]) -> None:
    """Run the command in ``code``, one of settings.LANGUAGES, or stop with status 2.

    None of the project's commands is decorated with @no_translations, so the language stays
    active while they run (Django's own makemessages and compilemessages do switch it off).
    """
    import django
    from django.conf import settings
    from django.core.management.base import CommandError, CommandParser, handle_default_options
    from django.utils import translation

    # Settings are read here, before Django's own parsing of the command line: take its
    # --settings and --pythonpath first, as ManagementUtility.execute() does.
    parser = CommandParser(add_help=False, allow_abbrev=False)
    parser.add_argument("--settings")
    parser.add_argument("--pythonpath")
    try:
        options, _rest = parser.parse_known_args(argv[2:])
        handle_default_options(options)
    except CommandError:
        pass  # Django reports a malformed command line itself

    allowed = [language for language, _name in settings.LANGUAGES]
    if code not in allowed:
        codes = ", ".join(allowed)
        sys.stderr.write(f"CAPUY_LANGUAGE={code!r}: chỉ nhận {codes} / only {codes} are accepted\n")
        sys.exit(2)
    django.setup()
    translation.activate(code)


if __name__ == "__main__":
    main()
