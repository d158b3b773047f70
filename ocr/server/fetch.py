"""ImageUrl / BackImageUrl downloads for our API 3.0 server, without becoming an open proxy.

A URL is fetched only when its host is on settings.OCR_IMAGE_URL_ALLOWED_HOSTS (exact names, or
``.example.com`` for any subdomain), every address it resolves to is public (loopback, private,
link-local and metadata addresses are refused unless OCR_IMAGE_URL_ALLOW_PRIVATE_ADDRESSES, for
tests and local demos), and the connection goes to the address we checked, so DNS cannot change
its answer between check and use. Redirects are not followed. Whole download: 3 s, as in the seed.
"""

import ipaddress
import socket
import time
from urllib.parse import urlsplit

import certifi
import urllib3
from django.conf import settings

from ocr.contract import MAX_IMAGE_BYTES
from ocr.errors import OcrError

_CHUNK = 64 * 1024


def _refuse(message: str) -> OcrError:
    # Permanent on purpose: the same URL will be refused again, so a client must not retry it.
    return OcrError("InvalidParameterValue.InvalidParameterValueLimit", message)


def _download_failed(message: str) -> OcrError:
    return OcrError("FailedOperation.DownLoadError", message)


def host_allowed(host: str, allowed: list[str]) -> bool:
    host = host.lower().rstrip(".")
    for entry in allowed:
        entry = entry.lower().strip()
        if entry.startswith(".") and host.endswith(entry):
            return True
        if host == entry:
            return True
    return False


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _resolve(host: str, port: int) -> str:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise _download_failed(f"cannot resolve {host}") from None
    addresses = [info[4][0] for info in infos]
    if not settings.OCR_IMAGE_URL_ALLOW_PRIVATE_ADDRESSES:
        if not addresses or not all(_is_public(address) for address in addresses):
            raise _refuse(f"{host} resolves to a non-public address; refused")
    return addresses[0]


def fetch_url(url: str) -> bytes:
    """The image at ``url``; OcrError with a Tencent code when it is refused or cannot be fetched."""
    allowed = list(settings.OCR_IMAGE_URL_ALLOWED_HOSTS)
    if not allowed:
        raise _refuse("ImageUrl is disabled on this server (OCR_IMAGE_URL_ALLOWED_HOSTS is empty); send ImageBase64")
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise _refuse("ImageUrl is not a valid URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password:
        raise _refuse("ImageUrl must be an http(s) URL without user info")
    if not host_allowed(parts.hostname, allowed):
        raise _refuse(f"ImageUrl host {parts.hostname} is not on this server's allowlist")

    deadline = time.monotonic() + settings.OCR_IMAGE_URL_TIMEOUT_SECONDS
    address = _resolve(parts.hostname, port)
    timeout = urllib3.Timeout(total=max(deadline - time.monotonic(), 0.01))
    if parts.scheme == "https":
        # Connect to the checked address but verify the certificate for the name in the URL.
        pool = urllib3.HTTPSConnectionPool(
            address, port, timeout=timeout, retries=False, server_hostname=parts.hostname,
            assert_hostname=parts.hostname, cert_reqs="CERT_REQUIRED", ca_certs=certifi.where(),
        )
    else:
        pool = urllib3.HTTPConnectionPool(address, port, timeout=timeout, retries=False)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        with pool:
            response = pool.urlopen("GET", path, headers={"Host": parts.netloc}, redirect=False, preload_content=False)
            if response.status != 200:
                raise _download_failed(f"ImageUrl answered HTTP {response.status}")
            data = bytearray()
            # read1: whatever has arrived, so a slow drip cannot hold us past the deadline while
            # a large read waits to fill up.
            while chunk := response.read1(_CHUNK):
                data += chunk
                if len(data) > MAX_IMAGE_BYTES:
                    raise OcrError("LimitExceeded.TooLargeFileError", "The image behind ImageUrl is larger than 7 MB after Base64.")
                if time.monotonic() > deadline:
                    raise _download_failed("ImageUrl download took longer than 3 s")
            response.release_conn()
    except urllib3.exceptions.HTTPError as exc:
        raise _download_failed(f"ImageUrl download failed: {type(exc).__name__}") from None
    if time.monotonic() > deadline:
        raise _download_failed("ImageUrl download took longer than 3 s")
    return bytes(data)
