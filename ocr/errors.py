"""Tencent's error vocabulary, shared by the offline engine, the client and our API 3.0 server."""

MLID = "MLIDCardOCR"
SG = "RecognizeSingaporeIDCardOCR"
ACTIONS = (MLID, SG)
VERSION = "2018-11-19"

# Codes worth retrying with backoff; everything else is permanent (tencent-api3.md, "Limits and errors").
TRANSIENT_CODES = frozenset(
    {
        "InternalError",
        "ServiceUnavailable",
        "ResourceInsufficient",
        "FailedOperation.EngineRecognizeTimeout",
        "FailedOperation.WarningServiceFailed",
        # Not a Tencent code: our own name for a network failure or a non-200 HTTP status.
        "ClientError.NetworkError",
        # Not a Tencent code either: a 200 whose body is not API 3.0 JSON (a proxy's error page).
        "ClientError.InvalidResponse",
    }
)


def is_transient(code: str) -> bool:
    return code in TRANSIENT_CODES or code.startswith("RequestLimitExceeded") or code.startswith("InternalError")


class OcrError(Exception):
    """A failed recognition, as Tencent would report it: Code, Message and the RequestId."""

    def __init__(self, code: str, message: str, request_id: str = "", raw: str = ""):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.request_id = request_id
        # The response body exactly as returned, when there was one.
        self.raw = raw

    @property
    def transient(self) -> bool:
        return is_transient(self.code)

    def as_response(self, request_id: str) -> dict:
        return {"Error": {"Code": self.code, "Message": self.message}, "RequestId": self.request_id or request_id}
