"""A small stand-in for Tencent Cloud OCR on 127.0.0.1, for failure injection in client tests.

It checks each request's TC3 signature with the official SDK's signer (an oracle independent of
ocr.tc3), records what arrived, and answers from a script of behaviours, one per request:

    ("ok", {fields})            200 + {"Response": {fields, RequestId}}
    ("error", code, message)    200 + Tencent's error body
    ("status", 500)             that HTTP status with an HTML body
    ("sleep", seconds)          wait before answering ok (a read timeout for the client)
    ("drop",)                   close the connection without answering
    ("garbage",)                200 + a body that is not JSON

With the script empty it answers ("ok", {}).
"""

import hashlib
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tencentcloud.common.sign import Sign


@dataclass
class Received:
    headers: dict
    body: bytes
    signature_ok: bool


@dataclass
class FakeTencent:
    secret_id: str
    secret_key: str
    script: list = field(default_factory=list)
    received: list = field(default_factory=list)

    def start(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                fake.received.append(Received(dict(self.headers), body, fake._signature_ok(self.headers, body)))
                step = fake.script.pop(0) if fake.script else ("ok", {})
                kind = step[0]
                if kind == "drop":
                    self.close_connection = True
                    self.connection.close()
                    return
                if kind == "sleep":
                    time.sleep(step[1])
                    step = ("ok", {})
                if kind == "status":
                    self._send(step[1], b"<html>Bad Gateway</html>", "text/html")
                elif kind == "garbage":
                    self._send(200, b"<html>captive portal</html>", "application/json")
                elif kind == "error":
                    inner = {"Error": {"Code": step[1], "Message": step[2]}, "RequestId": str(uuid.uuid4())}
                    self._send(200, json.dumps({"Response": inner}).encode(), "application/json")
                else:
                    inner = {**step[1], "RequestId": str(uuid.uuid4())}
                    self._send(200, json.dumps({"Response": inner}).encode(), "application/json")

            def _send(self, status, payload, content_type):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                try:
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client under test gave up first (its read timeout): that is the point

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/"
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def _signature_ok(self, headers, body) -> bool:
        auth = headers.get("Authorization", "")
        try:
            credential = auth.split("Credential=")[1].split(",")[0]
            signed = auth.split("SignedHeaders=")[1].split(",")[0].split(";")
            signature = auth.split("Signature=")[1]
        except IndexError:
            return False
        secret_id, date, service, _ = credential.split("/")
        canonical_headers = "".join(f"{name}:{headers[name].strip().lower()}\n" for name in signed)
        canonical = "POST\n/\n\n%s\n%s\n%s" % (canonical_headers, ";".join(signed), hashlib.sha256(body).hexdigest())
        to_sign = "TC3-HMAC-SHA256\n%s\n%s/%s/tc3_request\n%s" % (
            headers["X-TC-Timestamp"], date, service, hashlib.sha256(canonical.encode()).hexdigest()
        )
        return secret_id == self.secret_id and Sign.sign_tc3(self.secret_key, date, service, to_sign) == signature
