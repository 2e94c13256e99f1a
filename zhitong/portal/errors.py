"""The pages' answer to an unexpected error (`handler500` in zhitong/urls.py).

Django calls it inside the `except` that caught the error, so the error is at hand: the
database gone (restarted, the connection cut; core/outage.py) or the media disk full is
no bug but an outage, answered 503 with its own page ("系统暂时不可用 … 没有保存 … 请稍后
重试") and `Retry-After`; anything else is Django's 500 page. Neither renders a request
context or touches the database, and neither shows a traceback (DEBUG is off in
production). Under /api/ the API's middleware turns either into the JSON contract.
"""

from __future__ import annotations

import sys

from django.views import defaults

from zhitong.core.outage import RETRY_AFTER_SECONDS, is_database_outage, is_disk_full


def server_error(request, template_name: str = defaults.ERROR_500_TEMPLATE_NAME):
    exc = sys.exc_info()[1]
    if is_database_outage(exc) or is_disk_full(exc):
        response = defaults.server_error(request, template_name="503.html")
        response.status_code = 503
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return defaults.server_error(request, template_name=template_name)
