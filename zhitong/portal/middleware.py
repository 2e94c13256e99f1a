from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from zhitong.api.middleware import API_PREFIX


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Simplified Chinese unless the user picked another language with the header's
    switch (Django's set_language view stores it in the language cookie).

    Django's own LocaleMiddleware also follows the browser's Accept-Language, which would
    show English to any official whose browser happens to be English; SPEC: "Web UI in
    Simplified Chinese by default (English available)".

    The API answers in Chinese whatever the cookie says (its contract: `{code, message}` in
    Chinese, the moves' labels as the tables declare them); only the pages switch."""

    def process_request(self, request):
        if request.path_info.startswith(API_PREFIX):
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = translation.get_language()
            return
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        try:
            language = (
                translation.get_supported_language_variant(chosen) if chosen else settings.LANGUAGE_CODE
            )
        except LookupError:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
