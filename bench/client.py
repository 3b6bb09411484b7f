"""A small HTTP client on the standard library: cookies kept, redirects not followed (so a page
that bounces to /login is caught, not measured), gzip asked for and measured as served."""
import gzip
import http.cookiejar
import time
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from email.message import Message
from html.parser import HTMLParser


@dataclass
class Response:
    status: int
    headers: Message
    raw: bytes  # the body as it came over the wire
    seconds: float

    @property
    def gzipped(self) -> bool:
        return self.headers.get("Content-Encoding") == "gzip"

    @property
    def body(self) -> bytes:
        return gzip.decompress(self.raw) if self.gzipped else self.raw

    @property
    def text(self) -> str:
        return self.body.decode()

    @property
    def gzip_bytes(self) -> int:
        """Bytes on the wire when served gzipped; otherwise what gzip -9 would make of it."""
        return len(self.raw) if self.gzipped else len(gzip.compress(self.raw, 9))


class _EveryStatus(urllib.request.HTTPErrorProcessor):
    """Hand back 3xx/4xx/5xx responses as they are instead of raising or following them."""

    def http_response(self, request, response):
        return response


class Client:
    def __init__(self, base_url: str):
        self.base_url = base_url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _EveryStatus()
        )

    def get(self, path: str) -> Response:
        return self._send(urllib.request.Request(self._url(path)))

    def post(self, path: str, fields: dict[str, str]) -> Response:
        data = urllib.parse.urlencode(fields).encode()
        return self._send(urllib.request.Request(self._url(path), data=data, method="POST"))

    def post_multipart(self, path: str, fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> Response:
        """A form with files, encoded as a browser does (multipart/form-data)."""
        boundary = f"----bench{uuid.uuid4().hex}"
        parts = []
        for name, value in fields.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        for name, (filename, content) in files.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                         f"Content-Type: application/octet-stream\r\n\r\n".encode() + content + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        request = urllib.request.Request(self._url(path), data=body, method="POST")
        request.add_header("Content-Type", f"multipart/form-data; boundary={boundary}")
        return self._send(request)

    def _url(self, path: str) -> str:
        # Paths are written readably ("/regions?q=镇"); the request line must be ASCII.
        return self.base_url + urllib.parse.quote(path, safe="/?=&%")

    def _send(self, request: urllib.request.Request) -> Response:
        request.add_header("Accept-Encoding", "gzip")
        started = time.perf_counter()
        with self.opener.open(request, timeout=30) as response:
            raw = response.read()
        return Response(response.status, response.headers, raw, time.perf_counter() - started)


class PageParser(HTMLParser):
    """The login form's CSRF token, and the stylesheets and scripts a page loads."""

    def __init__(self):
        super().__init__()
        self.csrf_token: str | None = None
        self.assets: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name") == "csrf_token":
            self.csrf_token = attrs.get("value")
        elif tag == "link" and "stylesheet" in (attrs.get("rel") or "").split() and attrs.get("href"):
            self.assets.append(attrs["href"])
        elif tag == "script" and attrs.get("src"):
            self.assets.append(attrs["src"])


def parse_page(html: str) -> PageParser:
    parser = PageParser()
    parser.feed(html)
    parser.close()
    return parser


def login(client: Client, username: str, password: str) -> None:
    """Log in through the real form, CSRF token included, as a browser would."""
    token = parse_page(client.get("/login").text).csrf_token
    if not token:
        raise RuntimeError("no csrf_token on /login")
    response = client.post("/login", {"username": username, "password": password, "csrf_token": token})
    location = response.headers.get("Location", "")
    if response.status != 303 or "/login" in location:
        raise RuntimeError(f"login as {username} answered {response.status} (Location {location!r})")
