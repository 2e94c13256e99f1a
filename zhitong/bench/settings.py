"""Settings of the bench's own server (`zhitong bench intake`): the application's, with the
bare view's URL added (zhitong/bench/urls.py) and the API's per-token rate limit lifted."""

from zhitong.settings import *  # noqa: F403

ROOT_URLCONF = "zhitong.bench.urls"
ZHITONG_API_RATE_LIMIT = 10**9
