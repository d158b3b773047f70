"""Client for Tencent Cloud OCR over API 3.0, signed by us (ocr.tc3) and sent with ``requests``.

We sign ourselves rather than use the official SDK: the China-site SDK lacks
RecognizeSingaporeIDCardOCR, the international one cannot be installed next to it, and we want our
own timeouts, error classes and logging. The SDK stays a test-only oracle.

Works without Django: ``TencentClient`` takes everything as constructor arguments.
``TencentBackend`` is the OCR backend ``tencent`` (see ocr.backends) and falls back to Django
settings for anything not given.
"""

import base64
import json
import logging
import os
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import requests

from . import tc3
from .backends import OcrReply
from .errors import MLID, SG, VERSION, OcrError, is_transient

logger = logging.getLogger(__name__)

DEFAULT_URL = "https://ocr.tencentcloudapi.com/"
SERVICE = "ocr"


class TencentError(OcrError):
    """A failed call, with Tencent's Code, Message and RequestId (empty when none came back)."""


class TencentTransientError(TencentError):
    """Worth retrying later with backoff: rate limits, Tencent-side failures, network trouble."""


class TencentPermanentError(TencentError):
    """Retrying the same request cannot succeed: bad credentials, bad image, bad parameters."""


class TencentNetworkError(TencentTransientError):
    """No API answer at all: connection refused or dropped, timeout, or a non-200 HTTP status."""


def error_for(code: str, message: str, request_id: str = "", raw: str = "") -> TencentError:
    cls = TencentTransientError if is_transient(code) else TencentPermanentError
    return cls(code, message, request_id, raw)


class TencentClient:
    def __init__(
        self,
        secret_id: str = "",
        secret_key: str = "",
        *,
        url: str = DEFAULT_URL,
        region: str = "ap-singapore",
        token: str = "",
        language: str = "",
        connect_timeout: float = 5.0,
        read_timeout: float = 30.0,
        session: requests.Session | None = None,
    ):
        if not secret_id or not secret_key:
            raise ValueError("a Tencent SecretId and SecretKey are required (TENCENT_SECRET_ID, TENCENT_SECRET_KEY)")
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("the Tencent OCR URL must be http(s)://host[:port]/")
        if parts.username or parts.password or parts.query or parts.path not in ("", "/"):
            # API 3.0 always posts to "/", and credentials in a URL would end up in logs.
            raise ValueError("the Tencent OCR URL must have no path, query or user info")
        self.url = f"{parts.scheme}://{parts.netloc}/"
        # Signed exactly as it goes on the wire: requests sends the Host we set.
        self.host = parts.netloc
        self.secret_id = secret_id
        self._secret_key = secret_key
        self._token = token
        self.region = region
        self.language = language
        self.timeout = (connect_timeout, read_timeout)
        self.session = session or requests.Session()

    def __repr__(self):
        # Never the key or token: a repr ends up in tracebacks and Celery error reports.
        return f"<TencentClient {self.url} region={self.region or '-'}>"

    def signed_headers(self, action: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
        return tc3.sign_request(
            secret_id=self.secret_id,
            secret_key=self._secret_key,
            service=SERVICE,
            host=self.host,
            action=action,
            version=VERSION,
            body=body,
            timestamp=int(time.time()) if timestamp is None else timestamp,
            region=self.region,
            token=self._token,
            language=self.language,
        )

    def call(self, action: str, params: dict) -> tuple[dict, str]:
        """POST one action; returns (inner Response, body text as returned) or raises TencentError."""
        body = json.dumps(params).encode("utf-8")
        try:
            return self._send(action, body)
        except TencentError as exc:
            if exc.code != "AuthFailure.SignatureExpire":
                raise
            # The request waited too long between signing and arrival (a stalled connection, a
            # paused worker): a fresh timestamp fixes that. Only once, since a skewed clock won't.
            logger.warning("Tencent %s: signature expired (RequestId %s), signing again", action, exc.request_id)
            return self._send(action, body)

    def _send(self, action: str, body: bytes) -> tuple[dict, str]:
        started = time.monotonic()
        try:
            http = self.session.post(self.url, data=body, headers=self.signed_headers(action, body), timeout=self.timeout)
        except requests.Timeout as exc:
            raise TencentNetworkError("ClientError.NetworkError", f"timed out calling {self.host}: {type(exc).__name__}") from None
        except requests.RequestException as exc:
            raise TencentNetworkError("ClientError.NetworkError", f"cannot reach {self.host}: {type(exc).__name__}") from None
        text = http.text
        elapsed_ms = int((time.monotonic() - started) * 1000)
        if http.status_code != 200:
            logger.warning("Tencent %s: HTTP %s after %d ms", action, http.status_code, elapsed_ms)
            raise TencentNetworkError("ClientError.NetworkError", f"HTTP {http.status_code} from {self.host}", raw=text)
        try:
            response = json.loads(text)["Response"]
            if not isinstance(response, dict):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            raise TencentTransientError("ClientError.InvalidResponse", f"not an API 3.0 answer from {self.host}", raw=text) from None
        request_id = str(response.get("RequestId", ""))
        error = response.get("Error")
        if error:
            code = str(error.get("Code", "")) if isinstance(error, dict) else ""
            message = str(error.get("Message", "")) if isinstance(error, dict) else ""
            logger.info("Tencent %s: %s (RequestId %s, %d ms)", action, code, request_id, elapsed_ms)
            raise error_for(code or "InternalError", message, request_id, text)
        logger.info("Tencent %s: ok (RequestId %s, %d ms)", action, request_id, elapsed_ms)
        return response, text


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


class TencentBackend:
    """OCR backend ``tencent``: same ``recognize`` contract and reply shape as the offline engine."""

    name = "tencent"

    def __init__(self, client: TencentClient | None = None, **config):
        self.client = client or TencentClient(**_settings_config(config))

    def recognize(self, action: str, image: bytes, back: bytes | None = None, ret_image: bool = False) -> OcrReply:
        if action == MLID:
            params = {"ImageBase64": _b64(image), "RetImage": bool(ret_image)}
            if back is not None:
                params["BackImageBase64"] = _b64(back)
        elif action == SG:
            if back is not None:
                # Tencent's SG action reads one side per call; sending it anyway would be refused.
                raise TencentPermanentError("UnknownParameter", "RecognizeSingaporeIDCardOCR takes no BackImageBase64", str(uuid.uuid4()))
            params = {"ImageBase64": _b64(image), "ReturnHeadImage": bool(ret_image)}
        else:
            raise TencentPermanentError("InvalidAction", f"unsupported action {action!r}", str(uuid.uuid4()))
        response, raw = self.client.call(action, params)
        return OcrReply(response=response, raw=raw)


_SETTING_NAMES = {
    "url": "TENCENT_OCR_URL",
    "secret_id": "TENCENT_SECRET_ID",
    "secret_key": "TENCENT_SECRET_KEY",
    "region": "TENCENT_REGION",
    "token": "TENCENT_TOKEN",
    "connect_timeout": "TENCENT_CONNECT_TIMEOUT",
    "read_timeout": "TENCENT_READ_TIMEOUT",
}


def _settings_config(config: dict) -> dict:
    """Fill what the caller left out from Django settings (themselves read from the environment)."""
    missing = [name for name in _SETTING_NAMES if name not in config]
    if missing:
        from django.conf import settings

        for name in missing:
            value = getattr(settings, _SETTING_NAMES[name], None)
            if value not in (None, ""):
                config[name] = value
    unknown = set(config) - set(_SETTING_NAMES) - {"language", "session"}
    if unknown:
        raise TypeError(f"unknown Tencent backend option(s): {', '.join(sorted(unknown))}")
    return config


def config_from_env(environ=None) -> dict:
    """Backend options from TENCENT_* variables (or NAME_FILE, as in kyc.settings), for use without
    Django, e.g. ``python -m ocr recognize --backend tencent``."""
    environ = os.environ if environ is None else environ
    config = {}
    for option, name in _SETTING_NAMES.items():
        value = Path(environ[f"{name}_FILE"]).read_text().strip() if environ.get(f"{name}_FILE") else environ.get(name, "")
        if value:
            config[option] = float(value) if option.endswith("_timeout") else value
    return config
