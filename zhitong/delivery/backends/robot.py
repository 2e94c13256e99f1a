"""Group robots: a JSON POST of markdown text to a 企业微信 or 钉钉 group robot's address
(the robot's own format). 钉钉's "加签": `timestamp` and `sign` (HMAC-SHA256 of
"timestamp\\nsecret", base64) added to the address."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
import urllib.parse

from django.conf import settings

from zhitong.delivery.choices import RobotStyle

from .base import SendFailure
from .http import post_json


def robot_markdown(*, kind_label: str, title: str, body: str, url: str, name: str) -> str:
    site = getattr(settings, "ZHITONG_SITE_URL", "").rstrip("/")
    lines = [f"### 【{kind_label}】{title}"]
    if name:
        lines.append(f"> 提醒对象：{name}")
    if body:
        lines.append(body[:1000])
    if url:
        lines.append(f"[打开直通查看]({site}{url})" if url.startswith("/") else f"[打开直通查看]({url})")
    return "\n\n".join(lines)


def _signed_url(url: str, secret: str) -> str:
    timestamp = str(int(time.time() * 1000))
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    return f"{url}{'&' if '?' in url else '?'}timestamp={timestamp}&sign={sign}"


def robot_send(*, style: str, url: str, secret: str, title: str, text: str, phone: str = "") -> None:
    if style == RobotStyle.DINGTALK:
        data = {"msgtype": "markdown", "markdown": {"title": title[:60], "text": text}}
        if phone:
            data["at"] = {"atMobiles": [phone]}
        target = _signed_url(url, secret) if secret else url
    else:
        data = {"msgtype": "markdown", "markdown": {"content": text}}
        target = url
    answer = post_json(target, data).json()
    # Both answer HTTP 200 with {"errcode": 0, "errmsg": "ok"}; anything else is a failure.
    if isinstance(answer, dict) and answer.get("errcode") not in (0, None):
        raise SendFailure(f"机器人返回错误：{answer.get('errcode')} {answer.get('errmsg', '')}"[:300])
