"""The token API is stateless: no session row, no cookie.

Requests whose path starts with one of settings.ZHITONG_STATELESS_PATH_PREFIXES (the
token-authenticated API under /api/) get a fresh session that is never loaded from nor saved
to the database, and their responses carry no Set-Cookie at all. Without this, a middleware
that writes into `request.session` for a signed-in user (the idle-timeout stamp: the API's
token auth sets request.user) made every API call start a django_session row and send a
sessionid cookie, and a view or middleware that asks for the CSRF token or a message would
set csrftoken or the messages cookie. The hotline system calls the API thousands of times a
day; none of that may pile up."""

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware


def is_stateless(request) -> bool:
    return request.path_info.startswith(tuple(settings.ZHITONG_STATELESS_PATH_PREFIXES))


class StatelessApiSessionMiddleware(SessionMiddleware):
    """Django's SessionMiddleware, except for stateless paths (see the module docstring).
    It takes SessionMiddleware's place in MIDDLEWARE, so its response hook runs after every
    middleware below it (CSRF, locale, messages, idle timeout) has had its say."""

    def process_request(self, request):
        if is_stateless(request):
            # An empty session, whatever session cookie came along: nothing to load (no
            # query) and, below, nothing saved.
            request.session = self.SessionStore(None)
            return
        super().process_request(request)

    def process_response(self, request, response):
        if is_stateless(request):
            response.cookies.clear()
            return response
        return super().process_response(request, response)
