"""What both suites share: the gateway's coordinates from the environment, a checker of answers
against the SDK's own shapes, and a scripted HTTP server for transport tests."""

import json
import os
import threading
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List, Optional, Tuple

from sharepanel._meta import SHAPES

# Set by .ci/sdk.sh, which starts a gateway with a fresh database and a demo account.
ENV = {
    "base_url": os.environ.get("SHAREPANEL_BASE_URL"),
    "api_key": os.environ.get("SHAREPANEL_API_KEY"),
    "demo_email": os.environ.get("SHAREPANEL_SDK_DEMO_EMAIL"),
    "password": os.environ.get("SHAREPANEL_SDK_DEMO_PASSWORD"),
    "member_email": os.environ.get("SHAREPANEL_SDK_MEMBER_EMAIL"),
    "free_email": os.environ.get("SHAREPANEL_SDK_FREE_EMAIL"),
    "free_password": os.environ.get("SHAREPANEL_SDK_FREE_PASSWORD"),
}


def require_gateway(case: unittest.TestCase) -> None:
    """Skips the gateway suite when no gateway is configured, unless CI demands one."""
    missing = [k for k, v in ENV.items() if not v]
    if not missing:
        return
    if os.environ.get("SHAREPANEL_SDK_REQUIRE_GATEWAY"):
        raise AssertionError("gateway settings missing: %s (run .ci/sdk.sh)" % ", ".join(missing))
    raise unittest.SkipTest("no gateway configured (run .ci/sdk.sh)")


def check_type(case: unittest.TestCase, value: Any, descriptor: str, where: str) -> None:
    """Asserts that value has the type a descriptor of the SDK's metadata names."""
    if descriptor.endswith("?"):
        if value is None:
            return
        descriptor = descriptor[:-1]
    case.assertIsNotNone(value, where + " is null")
    if descriptor.endswith("[]"):
        case.assertIsInstance(value, list, where)
        for i, item in enumerate(value):
            check_type(case, item, descriptor[:-2], "%s[%d]" % (where, i))
        return
    if descriptor.startswith("{"):
        case.assertIsInstance(value, dict, where)
        for k, v in value.items():
            check_type(case, v, descriptor[1:-1], "%s.%s" % (where, k))
        return
    simple = {"integer": int, "number": (int, float), "string": str, "boolean": bool, "object": dict}
    if descriptor in simple:
        case.assertIsInstance(value, simple[descriptor], "%s: %r" % (where, value))
        if descriptor in ("integer", "number"):
            case.assertNotIsInstance(value, bool, where)
        return
    if descriptor == "any":
        return
    shape = SHAPES[descriptor]
    case.assertIsInstance(value, dict, where)
    for name, (field_type, required) in shape.items():
        if required:
            case.assertIn(name, value, "%s has no %s" % (where, name))
        if name in value:
            check_type(case, value[name], field_type, "%s.%s" % (where, name))
    unknown = set(value) - set(shape)
    case.assertFalse(unknown, "%s has fields the SDK does not know: %s" % (where, sorted(unknown)))


class Request:
    def __init__(self, method: str, path: str, headers: Dict[str, str], body: bytes) -> None:
        self.method, self.path, self.headers, self.body = method, path, headers, body

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))


# A scripted answer: status, headers, body (a dict is sent as JSON).
Answer = Tuple[int, Dict[str, str], Any]


class FakeGateway:
    """An HTTP server on a free loopback port that answers from a script and records requests.

    Each request gets the next answer of the script; a callable answer is called with the
    request and returns the answer.
    """

    def __init__(self, script: List[Any]) -> None:
        self.script = list(script)
        self.requests: List[Request] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                req = Request(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, self.rfile.read(length))
                fake.requests.append(req)
                answer = fake.script.pop(0) if fake.script else (500, {}, {"status": "error", "message": "script exhausted"})
                if callable(answer):
                    answer = answer(req)
                status, headers, body = answer
                raw = json.dumps(body).encode() if isinstance(body, (dict, list)) else str(body).encode()
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            do_GET = do_POST = _serve

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = "http://127.0.0.1:%d" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> "FakeGateway":
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()


def ok(data: Any = None, message: str = "ok", headers: Optional[Dict[str, str]] = None) -> Answer:
    body: Dict[str, Any] = {"status": "success", "message": message, "timestamp": "2024-01-01T12:00:00+00:00"}
    if data is not None:
        body["data"] = data
    return (200, headers or {}, body)


def fail(status: int, message: str, code: str, headers: Optional[Dict[str, str]] = None, **extra: Any) -> Answer:
    body = {"status": "error", "message": message, "code": code, "timestamp": "2024-01-01T12:00:00+00:00"}
    body.update(extra)
    return (status, headers or {}, body)


Handler = Callable[[Request], Answer]
