"""Text stored in the database (step notes, notifications) is written in the company's language,
whatever the language of the request that happened to trigger it."""

import functools

from django.conf import settings
from django.utils import translation


def company_language():
    return translation.override(settings.LANGUAGE_CODE)


def in_company_language(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with company_language():
            return fn(*args, **kwargs)

    return wrapper
