"""The fetch guard (ingest/web.py) against an attacker: every non-public address form refused
(IPv4 in its decimal, octal and hex spellings; IPv6 with an IPv4 address inside it), DNS rebinding
(a name answering a public address for the check and 127.0.0.1 for the connection), a redirect to
a private address, and a server dripping one byte at a time. A test's "internet" is a server on
127.0.0.1 reached through a patched resolver and socket.create_connection: the guard sees only the
public address it was told; no real network is used."""

from __future__ import annotations

import asyncio
import ipaddress
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from newsweave.ingest.web import (
    Fetcher,
    FetchError,
    FetchRefused,
    GuardedClient,
    address_refusal,
    check_public,
    embedded_ipv4,
    get,
)
from newsweave.serve import fetch as serve_fetch

PUBLIC = "93.184.216.34"  # what the patched resolver answers for a "public" name
PUBLIC_2 = "93.184.216.35"
PAGE = "<!DOCTYPE html><html><head><title>Ward 30 result</title></head><body><p>Counted.</p></body></html>"


@dataclass
class Local:
    """A server on 127.0.0.1: what it was asked, and with which Host header."""

    port: int = 0
    hits: Counter = field(default_factory=Counter)
    hosts: list[str] = field(default_factory=list)
    redirect_to: str = ""
    drip_every: float = 0.3

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"


class Handler(BaseHTTPRequestHandler):
    local: Local

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def do_GET(self) -> None:  # http.server calls it by this name
        path = self.path.split("?")[0]
        self.local.hits[path] += 1
        self.local.hosts.append(self.headers.get("Host", ""))
        try:
            if path == "/redirect":
                self.send_response(302)
                self.send_header("Location", self.local.redirect_to)
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif path == "/drip-body":  # headers at once, then a byte every drip_every seconds
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", "1000")
                self.end_headers()
                self._drip(b"x" * 1000)
            elif path == "/drip-headers":  # the status line and headers a byte at a time
                self._drip(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Padding: " + b"p" * 200 + b"\r\n\r\n")
            elif path == "/robots.txt":
                self._send(404, "")
            else:
                self._send(200, PAGE)
        except OSError:  # the client gave up: expected of the drip
            pass

    def _drip(self, data: bytes) -> None:
        for i in range(len(data)):
            self.wfile.write(data[i:i + 1])
            self.wfile.flush()
            time.sleep(self.local.drip_every)

    def _send(self, status: int, body: str) -> None:
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def _serve(local: Local, wrap: ssl.SSLContext | None = None) -> Iterator[Local]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), type("LocalHandler", (Handler,), {"local": local}))
    if wrap is not None:
        server.socket = wrap.wrap_socket(server.socket, server_side=True)
    local.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield local
    server.shutdown()
    server.server_close()


@pytest.fixture
def local() -> Iterator[Local]:
    yield from _serve(Local())


@dataclass
class Net:
    """The patched resolver and connector: ``names`` maps a host to the answers it gives, one per
    lookup (the last repeated); ``routes`` maps a public address to the local server that plays
    it. ``lookups`` and ``connects`` record what was asked."""

    names: dict[str, list[list[str]]] = field(default_factory=dict)
    slow: dict[str, float] = field(default_factory=dict)  # host -> seconds its lookup takes
    routes: dict[str, int] = field(default_factory=dict)
    lookups: Counter = field(default_factory=Counter)
    connects: list[tuple[str, int]] = field(default_factory=list)


@pytest.fixture
def net(monkeypatch) -> Net:
    state = Net()
    real_getaddrinfo, real_connect = socket.getaddrinfo, socket.create_connection

    def getaddrinfo(host, port, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else host
        if name not in state.names:
            return real_getaddrinfo(host, port, *args, **kwargs)
        time.sleep(state.slow.get(name, 0))
        answers = state.names[name]
        answer = answers[min(state.lookups[name], len(answers) - 1)]
        state.lookups[name] += 1
        return [(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "",
                 (a, port) if ":" not in a else (a, port, 0, 0)) for a in answer]

    def create_connection(address, *args, **kwargs):
        host, port = address[0], address[1]
        state.connects.append((host, port))
        if host in state.routes:
            return real_connect(("127.0.0.1", state.routes[host]), *args, **kwargs)
        if host not in ("127.0.0.1", "::1", "localhost"):
            raise ConnectionRefusedError(f"no route to {host} in this test")
        return real_connect(address, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    return state


# -- the address forms ------------------------------------------------------------------------------
REFUSED = [
    # IPv4 loopback in every spelling a resolver accepts
    "http://127.0.0.1/", "http://127.1/", "http://127.0.1/", "http://0177.0.0.1/", "http://0x7f.0.0.1/", "http://0x7f.1/",
    "http://2130706433/", "http://017700000001/", "http://0x7f000001/", "http://127.255.255.254:8080/",
    "http://localhost/", "http://localhost./", "http://LOCALHOST:8000/", "http://user:pw@127.0.0.1/",
    "http://example.com@127.0.0.1/",
    # the unspecified address, private, shared, link-local, benchmark, multicast, reserved, broadcast
    "http://0.0.0.0/", "http://0/", "http://10.0.0.1/", "http://172.16.0.1/", "http://192.168.1.1/",
    "http://100.64.0.1/", "http://169.254.169.254/latest/meta-data", "http://192.0.0.1/", "http://198.18.0.1/",
    "http://224.0.0.1/", "http://240.0.0.1/", "http://255.255.255.255/",
    # IPv6 loopback, unspecified, link-local (with a zone), unique-local, site-local, multicast
    "http://[::1]/", "http://[::]/", "http://[0:0:0:0:0:0:0:1]/", "http://[fe80::1]/", "http://[fc00::1]/",
    "http://[fd12:3456::1]/", "http://[fec0::1]/", "http://[ff02::1]/", "https://[::1]:443/",
    # IPv4-mapped, -compatible and -translated
    "http://[::ffff:127.0.0.1]/", "http://[::ffff:7f00:1]/", "http://[::ffff:10.0.0.1]/", "http://[::ffff:169.254.169.254]/",
    "http://[::127.0.0.1]/", "http://[::10.0.0.1]/", "http://[::ffff:0:7f00:1]/",
    # NAT64, well-known and local-use
    "http://[64:ff9b::7f00:1]/", "http://[64:ff9b::10.0.0.1]/", "http://[64:ff9b::a9fe:a9fe]/", "http://[64:ff9b:1::7f00:1]/",
    "http://[64:ff9b:1:7f00:1::]/", "http://[64:ff9b:1::5db8:d822]/",
    # 6to4 carrying 127.0.0.1, 10.0.0.1, 192.168.1.1, 169.254.169.254
    "http://[2002:7f00:1::]/", "http://[2002:7f00:1::1]/", "http://[2002:a00:1::1]/", "http://[2002:c0a8:101::1]/",
    "http://[2002:a9fe:a9fe::]/",
    # Teredo: client 127.0.0.1 (the bitwise not of 80ff:fffe), client 10.0.0.1, server 10.0.0.1
    "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/", "http://[2001:0:5db8:d822::f5ff:fffe]/", "http://[2001:0:a00:1::1]/",
    # ISATAP carrying 127.0.0.1 under a global prefix
    "http://[2a00:1450::5efe:7f00:1]/", "http://[2a00:1450::200:5efe:a00:1]/",
    # documentation, benchmarking and discard prefixes
    "http://[2001:db8::1]/", "http://[100::1]/", "http://192.0.2.1/", "http://203.0.113.9/",
]


#: refused before any lookup: httpx reads no URL with these hosts
UNREADABLE = {"http://0177.0.0.1/"}
#: a resolver may not know the name at all (refused as unresolvable), else it is loopback
MAYBE_UNKNOWN = {"http://localhost./"}


@pytest.mark.parametrize("url", REFUSED)
def test_web_guard_refuses_every_non_public_form(url):
    reason = ("not a URL that can be fetched" if url in UNREADABLE else
              "not a public address|cannot resolve" if url in MAYBE_UNKNOWN else "not a public address")
    with pytest.raises(FetchRefused, match=reason):
        check_public(url)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "gopher://127.0.0.1/", "ftp://93.184.216.34/", "//127.0.0.1/",
                                 "javascript:alert(1)", "127.0.0.1/a.html"])
def test_web_guard_refuses_other_schemes(url):
    with pytest.raises(FetchRefused, match="only http and https"):
        check_public(url)


@pytest.mark.parametrize("address,form,v4", [
    ("::ffff:127.0.0.1", "IPv4-mapped", "127.0.0.1"), ("::127.0.0.1", "IPv4-compatible", "127.0.0.1"),
    ("64:ff9b::7f00:1", "NAT64", "127.0.0.1"), ("2002:7f00:1::", "6to4", "127.0.0.1"),
    ("2001:0:4136:e378:8000:63bf:80ff:fffe", "Teredo client", "127.0.0.1"), ("2001:0:a00:1::1", "Teredo server", "10.0.0.1"),
    ("2a00:1450::5efe:7f00:1", "ISATAP", "127.0.0.1"), ("::ffff:0:a00:1", "IPv4-translated", "10.0.0.1"),
])
def test_web_guard_embedded_ipv4_found_and_named(address, form, v4):
    assert (form, ipaddress.IPv4Address(v4)) in embedded_ipv4(ipaddress.IPv6Address(address))
    why = address_refusal(address)
    assert why is not None and form in why and v4 in why


@pytest.mark.parametrize("address", [PUBLIC, "1.1.1.1", "2606:2800:220:1:248:1893:25c8:1946", "2a00:1450:4001:82b::200e",
                                     "::ffff:93.184.216.34", "64:ff9b::5db8:d822", "2002:5db8:d822::1"])
def test_web_guard_public_addresses_pass(address):
    assert address_refusal(address) is None


def test_web_guard_every_resolved_address_checked(net):
    net.names["mixed.example"] = [[PUBLIC, "127.0.0.1"]]
    with pytest.raises(FetchRefused, match=r"127\.0\.0\.1 \(loopback\), which is not a public address"):
        check_public("http://mixed.example/a.html")
    net.names["mapped.example"] = [["2606:2800:220:1:248:1893:25c8:1946", "::ffff:10.0.0.1"]]
    with pytest.raises(FetchRefused, match="IPv4-mapped 10.0.0.1"):
        check_public("http://mapped.example/a.html")


# -- DNS rebinding ------------------------------------------------------------------------------------
def test_web_guard_dns_rebinding_connects_only_to_the_checked_address(net, local):
    """The name answers public first and 127.0.0.1 after: the one lookup is checked, the connection
    goes to what it answered, never to the local server."""
    net.names["rebind.example"] = [[PUBLIC], ["127.0.0.1"]]
    url = f"http://rebind.example:{local.port}/a.html"
    with pytest.raises(FetchError, match="rebind.example") as err:
        serve_fetch.fetch(url, deadline=5)
    assert not isinstance(err.value, FetchRefused)  # checked and passed; the connection failed
    assert net.lookups["rebind.example"] == 1
    assert net.connects == [(PUBLIC, local.port)]
    assert sum(local.hits.values()) == 0


def test_web_guard_dns_rebinding_through_the_polite_fetcher(net, local):
    net.names["rebind.example"] = [[PUBLIC], ["127.0.0.1"]]
    with Fetcher(delay=0) as fetcher, pytest.raises(FetchError):
        fetcher.fetch(f"http://rebind.example:{local.port}/a.html")  # robots.txt first, then the page
    assert all(host == PUBLIC for host, _ in net.connects)  # refused at the second lookup, or connected as checked
    assert sum(local.hits.values()) == 0


def test_web_guard_pinned_fetch_sends_the_host_name(net, local):
    """A public name played by the local server: fetched, connected to the checked address, with
    the name (not the address) in the Host header."""
    net.names["news.example"] = [[PUBLIC], ["10.0.0.1"]]
    net.routes[PUBLIC] = local.port
    url, body = serve_fetch.fetch(f"http://news.example:{local.port}/result.html")
    assert url == f"http://news.example:{local.port}/result.html" and b"Counted." in body
    assert local.hosts == [f"news.example:{local.port}"]
    assert net.lookups["news.example"] == 1 and net.connects == [(PUBLIC, local.port)]


def test_web_guard_tls_names_the_host_and_verifies_its_certificate(net, tmp_path):
    """Pinned to an address, TLS still sends the host name (SNI) and checks the certificate
    against it: a self-signed certificate is refused."""
    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "1", "-subj", "/CN=secure.example", "-addext", "subjectAltName=DNS:secure.example"],
                   check=True, capture_output=True)
    names: list[str | None] = []
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(Path(cert), Path(key))
    ctx.sni_callback = lambda sock, name, context: names.append(name)
    for local in _serve(Local(), wrap=ctx):
        net.names["secure.example"] = [[PUBLIC]]
        net.routes[PUBLIC] = local.port
        with pytest.raises(FetchError, match="CERTIFICATE_VERIFY_FAILED|certificate verify failed"):
            serve_fetch.fetch(f"https://secure.example:{local.port}/a.html", deadline=5)
    assert names == ["secure.example"]


# -- redirects ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("target", ["http://127.0.0.1:{port}/secret", "http://localhost:{port}/secret",
                                    "http://[::ffff:127.0.0.1]:{port}/secret", "http://[64:ff9b::7f00:1]:{port}/secret",
                                    "http://169.254.169.254/latest/meta-data", "http://rebound.example:{port}/secret"])
def test_web_guard_redirect_to_a_private_address_refused(net, local, target):
    net.names["news.example"] = [[PUBLIC]]
    net.names["rebound.example"] = [["127.0.0.1"]]
    net.routes[PUBLIC] = local.port
    local.redirect_to = target.format(port=local.port)
    with pytest.raises(FetchRefused, match="not a public address"):
        serve_fetch.fetch(f"http://news.example:{local.port}/redirect")
    assert local.hits == Counter({"/redirect": 1}) and local.hits["/secret"] == 0


def test_web_guard_redirect_to_a_public_name_checked_and_pinned(net, local):
    net.names["news.example"] = [[PUBLIC]]
    net.names["mirror.example"] = [[PUBLIC_2], ["127.0.0.1"]]
    net.routes.update({PUBLIC: local.port, PUBLIC_2: local.port})
    local.redirect_to = f"http://mirror.example:{local.port}/result.html"
    url, body = serve_fetch.fetch(f"http://news.example:{local.port}/redirect")
    assert url == local.redirect_to and b"Counted." in body
    assert local.hosts == [f"news.example:{local.port}", f"mirror.example:{local.port}"]
    assert net.connects == [(PUBLIC, local.port), (PUBLIC_2, local.port)]


# -- the total deadline ---------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/drip-body", "/drip-headers"])
def test_web_guard_deadline_stops_a_dripping_server(local, path):
    """A byte every 0.3 s never trips a 10 s read timeout; the 1 s deadline of the whole fetch does."""
    url = local.url(path)
    started = time.monotonic()
    with GuardedClient(timeout=10, allow_private=True) as client, pytest.raises(FetchError) as err:
        get(client, url, deadline=1.0)
    took = time.monotonic() - started
    assert 0.9 <= took < 1.8, took
    assert err.value.source == url and "took longer than 1 s" in str(err.value) and url in str(err.value)


def test_web_guard_deadline_counts_redirects_together(net, local):
    """Each hop is fast; the hops together are over the deadline."""
    net.names["news.example"] = [[PUBLIC]]
    net.routes[PUBLIC] = local.port
    local.redirect_to = f"http://news.example:{local.port}/drip-body"
    with pytest.raises(FetchError, match="took longer than 0.5 s"):
        serve_fetch.fetch(f"http://news.example:{local.port}/redirect", deadline=0.5)
    assert local.hits["/redirect"] == 1


def test_web_guard_deadline_covers_a_slow_lookup(net):
    net.names["slow.example"] = [[PUBLIC]]
    net.slow["slow.example"] = 3.0
    started = time.monotonic()
    with pytest.raises(FetchError, match="took longer than 0.5 s"):
        serve_fetch.fetch("http://slow.example/a.html", deadline=0.5)
    assert time.monotonic() - started < 1.0 and net.connects == []


def test_web_guard_deadline_leaves_out_the_polite_wait(local):
    """The wait between two requests to one host (and robots.txt) is not the fetch's time."""
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        time.sleep(0.4)

    with Fetcher(delay=5.0, deadline=0.3, allow_private=True, sleep=sleep) as fetcher:
        fetcher.fetch(local.url("/a.html"))
        assert fetcher.fetch(local.url("/b.html")).status == 200
    assert len(waits) == 2


def test_web_guard_body_size_cap_stays(local):
    with GuardedClient(allow_private=True) as client, pytest.raises(FetchError, match="larger than"):
        get(client, local.url("/a.html"), max_bytes=10)


# -- the server ---------------------------------------------------------------------------------------
def test_web_guard_server_fetch_runs_off_the_event_loop(monkeypatch, tmp_path):
    from newsweave.serve.app import create_app
    from newsweave.serve.config import Settings

    seen: list[bool] = []

    def fetch(url: str, **kwargs: object) -> tuple[str, bytes]:
        try:
            asyncio.get_running_loop()
            seen.append(True)
        except RuntimeError:  # no loop running in this thread: a worker thread
            seen.append(False)
        raise FetchRefused(url, "refused in this test")

    monkeypatch.setattr(serve_fetch, "fetch", fetch)
    app = create_app(Settings(db=f"sqlite:///{tmp_path / 'n.db'}", token="t0ken", fetch_urls=True))
    with TestClient(app) as api:
        resp = api.post("/api/documents", json={"url": "https://news.example/a.html"},
                        headers={"Authorization": "Bearer t0ken"})
    assert resp.status_code == 400 and resp.json()["error"]["code"] == "fetch_refused"
    assert seen == [False]


@pytest.mark.parametrize("url", ["http://[64:ff9b::7f00:1]/", "http://[::127.0.0.1]/", "http://[2002:7f00:1::]/",
                                 "http://[::ffff:10.0.0.1]/", "http://0x7f.1/"])
def test_web_guard_server_refuses_embedded_forms(tmp_path, url):
    from newsweave.serve.app import create_app
    from newsweave.serve.config import Settings

    app = create_app(Settings(db=f"sqlite:///{tmp_path / 'n.db'}", token="t0ken", fetch_urls=True))
    with TestClient(app) as api:
        resp = api.post("/api/documents", json={"url": url}, headers={"Authorization": "Bearer t0ken"})
    assert resp.status_code == 400 and "not a public address" in resp.json()["error"]["message"]


def test_web_guard_unpinned_host_is_checked_at_connect(net):
    """A connection for a host get() did not pin is resolved and checked where it is made."""
    net.names["sneaky.example"] = [["127.0.0.1"]]
    with GuardedClient() as client, pytest.raises(FetchRefused, match="not a public address"):
        client.get("http://sneaky.example/")
    assert net.connects == []
