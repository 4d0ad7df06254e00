"""Security items not covered by test_service_security.py (TLS, mTLS without a certificate, tokens):

- `cleaner serve` binds 127.0.0.1 (service and metrics) unless told otherwise;
- mutual TLS refuses a client certificate from another CA; TLS refuses a server the client's CA did not sign;
- the service never fetches a URL it is given (a local HTTP server sees no request), whatever the
  document holds (url field, img/script/link/iframe/meta refresh/base, external DTD and entities, CSS
  imports), on every path (library, Clean, CleanBatch, both HTML engines, `cleaner batch`);
- a caller cannot lift the size or concurrency limits (options, unknown fields, metadata);
- at the default log level no document text, URL or secret reaches the log, whatever the call did.
"""

from __future__ import annotations

import http.server
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest

import server.service
from cleaner import InputTooLargeError, Options, clean
from cleaner.cli import main
from cleaner.client import CleanerClient, ClientError
from cleaner.v1 import cleaner_pb2 as pb
from cleaner.v1 import cleaner_pb2_grpc as pb_grpc
from server import tls
from server.config import ServerConfig
from server.testing import Certs, InProcessServer, ServeProcess, fake_clean, make_certs, status_codes

ROOT = Path(__file__).resolve().parent.parent
SEED = next((ROOT / "seeds").glob("*.txt")).read_bytes()
ARTICLE = ("Council approves new bike lanes\n"
           "The city council voted on Tuesday to build protected bike lanes along Harbour Road, ending a dispute.\n"
           "The plan will remove 46 parking spaces on the north side of the road and add a raised lane.\n")


LOOPBACK = {"0100007F", "0000000000000000FFFF00000100007F"}  # 127.0.0.1, ::ffff:127.0.0.1


def listeners(port: int) -> list[str]:
    """Local addresses (hex, as in /proc/net/tcp*) of the sockets listening on `port`."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            cols = row.split()
            address, hex_port = cols[1].rsplit(":", 1)
            if int(hex_port, 16) == port and cols[3] == "0A":
                found.append(address)
    return found


def test_serve_binds_loopback_by_default() -> None:
    assert ServerConfig().host == "127.0.0.1"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLEANER_")}
    proc = subprocess.Popen([sys.executable, "-m", "cleaner.cli", "serve", "--port", "0", "--workers", "1",
                             "--metrics-port", "0"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    try:
        assert proc.stdout is not None
        banner = proc.stdout.readline()
        assert "listening on 127.0.0.1:" in banner, banner
        port = int(banner.split("listening on 127.0.0.1:")[1].split()[0])
        metrics_port = int(banner.split("metrics on http://127.0.0.1:")[1].split("/")[0])
        for p in (port, metrics_port):  # 127.0.0.1 only (grpc's socket is IPv6, ::ffff:127.0.0.1): no 0.0.0.0, no ::
            assert listeners(p) and set(listeners(p)) <= LOOPBACK, (p, listeners(p))
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0
        if proc.stdout is not None:
            proc.stdout.close()


# --- TLS with the wrong certificates ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def two_cas(tmp_path_factory: pytest.TempPathFactory) -> tuple[Certs, Certs]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl CLI not found")
    return make_certs(tmp_path_factory.mktemp("ca1")), make_certs(tmp_path_factory.mktemp("ca2"))


def test_mtls_refuses_a_client_certificate_from_another_ca(two_cas: tuple[Certs, Certs]) -> None:
    ours, theirs = two_cas
    files = tls.load(str(ours.server_cert), str(ours.server_key), str(ours.ca))
    with InProcessServer(tls_files=files) as srv:
        with CleanerClient(srv.target, tls_ca=str(ours.ca), tls_cert=str(ours.client_cert),
                           tls_key=str(ours.client_key)) as c:
            assert c.clean(SEED).title
        with CleanerClient(srv.target, tls_ca=str(ours.ca), tls_cert=str(theirs.client_cert),
                           tls_key=str(theirs.client_key), retries=0, timeout=3) as c, \
                pytest.raises(ClientError) as info:
            c.clean(SEED)
        assert info.value.code == grpc.StatusCode.UNAVAILABLE
        # and a client that trusts another CA does not talk to this server
        with CleanerClient(srv.target, tls_ca=str(theirs.ca), tls_cert=str(ours.client_cert),
                           tls_key=str(ours.client_key), retries=0, timeout=3) as c, \
                pytest.raises(ClientError) as info:
            c.clean(SEED)
        assert info.value.code == grpc.StatusCode.UNAVAILABLE


# --- no URL is ever fetched ----------------------------------------------------------------------------


class Trap:
    """An HTTP server on 127.0.0.1 that records every request it gets."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        trap = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                trap.requests.append(self.path)
                body = b"<!ENTITY fetched 'FETCHED'>" if self.path.endswith(".dtd") else b"FETCHED"
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def trap() -> Iterator[Trap]:
    t = Trap()
    yield t
    t.close()


def lure(url: str) -> str:
    """A page full of things a careless HTML stack would fetch."""
    return f"""<?xml version="1.0"?>
<?xml-stylesheet type="text/xsl" href="{url}/style.xsl"?>
<!DOCTYPE html SYSTEM "{url}/doctype.dtd" [
  <!ENTITY % remote SYSTEM "{url}/param.dtd"> %remote;
  <!ENTITY ext SYSTEM "{url}/entity.txt">
]>
<html xmlns:xi="http://www.w3.org/2001/XInclude"><head>
<base href="{url}/base/">
<meta http-equiv="refresh" content="0; url={url}/refresh">
<title>Council approves new bike lanes</title>
<link rel="stylesheet" href="{url}/style.css"><link rel="canonical" href="{url}/canonical">
<link rel="preload" href="{url}/font.woff2"><link rel="import" href="{url}/import.html">
<meta property="og:image" content="{url}/og.png"><meta property="og:url" content="{url}/og">
<script src="{url}/script.js"></script>
<style>@import url("{url}/import.css"); body {{ background: url({url}/bg.png) }}</style>
<script type="application/ld+json">{{"@context": "{url}/context.jsonld", "author": {{"@id": "{url}/author"}}}}</script>
</head><body>
<xi:include href="{url}/xinclude.xml"/>
<article><h1>Council approves new bike lanes</h1>
<img src="{url}/image.png" srcset="{url}/image2.png 2x"><picture><source srcset="{url}/s.webp"></picture>
<p>The city council voted on Tuesday to build protected bike lanes along Harbour Road, ending a dispute. &ext;</p>
<iframe src="{url}/iframe.html"></iframe><object data="{url}/object.swf"></object><embed src="{url}/embed">
<video src="{url}/video.mp4" poster="{url}/poster.png"></video><audio src="{url}/audio.mp3"></audio>
<p>The plan will remove 46 parking spaces on the north side of the road. See <a href="{url}/link">more</a>.</p>
<form action="{url}/form"><input type="image" src="{url}/input.png"></form>
</article></body></html>"""


def test_the_service_never_fetches_a_url(trap: Trap, tmp_path: Path) -> None:
    url = trap.url
    page = lure(url)
    docs: list[tuple[str | bytes, str]] = [(page, "html"), (page.encode(), "auto"), (f"{url}/article\n", "auto"),
                                           (ARTICLE, "text")]
    # the library, both engines
    for raw, fmt in docs:
        for name in ("trafilatura", "fast"):
            article = clean(raw, format=fmt, url=f"{url}/page", options=Options(html_engine=name))
            assert "FETCHED" not in json.dumps(article.to_dict())
    # the service: Clean and CleanBatch, both engines
    with InProcessServer() as srv, grpc.insecure_channel(srv.target) as channel:
        stub = pb_grpc.CleanerServiceStub(channel)
        for engine in (pb.HTML_ENGINE_TRAFILATURA, pb.HTML_ENGINE_FAST):
            options = pb.CleanOptions(html_engine=engine)
            documents = [pb.Document(text=raw, url=f"{url}/doc") if isinstance(raw, str)
                         else pb.Document(data=raw, url=f"{url}/doc") for raw, _ in docs]
            for doc in documents:
                assert "FETCHED" not in str(stub.Clean(pb.CleanRequest(document=doc, options=options), timeout=30))
            batch = stub.CleanBatch(pb.CleanBatchRequest(documents=documents, options=options), timeout=30)
            assert all(r.WhichOneof("outcome") == "article" for r in batch.results)
    # cleaner batch, a url in each record
    jsonl = tmp_path / "docs.jsonl"
    jsonl.write_text(json.dumps({"id": "a", "html": page, "url": f"{url}/a"}) + "\n"
                     + json.dumps({"id": "b", "text": f"{url}/b", "url": f"{url}/b"}) + "\n")
    assert main(["batch", str(jsonl), "--out", str(tmp_path / "out.jsonl"), "--workers", "1", "-q"]) == 0
    time.sleep(0.3)  # anything in flight would have arrived by now
    assert trap.requests == []
    # the trap works: a real fetch is seen
    with urllib.request.urlopen(f"{url}/probe", timeout=5) as response:
        assert response.read() == b"FETCHED"
    assert trap.requests == ["/probe"]


# --- limits a caller cannot lift ------------------------------------------------------------------------


def test_a_caller_cannot_lift_the_size_limit() -> None:
    limit = 50_000
    big = b"word " * 20_000  # 100 kB
    with InProcessServer(ServerConfig(max_input_bytes=limit, max_message_bytes=400_000)) as srv:
        # the client's own Options carry a limit: it is not sent, the server's applies
        with CleanerClient(srv.target, options=Options(max_input_bytes=10**9)) as c, \
                pytest.raises(InputTooLargeError) as info:
            c.clean(big)
        assert (info.value.size, info.value.limit) == (len(big), limit)
        with grpc.insecure_channel(srv.target) as channel:
            raw_call = channel.unary_unary("/cleaner.v1.CleanerService/Clean")  # type: ignore[call-arg]
            request = pb.CleanRequest(document=pb.Document(data=big)).SerializeToString()
            # unknown fields a newer client might send (options field 3 = 10^9, top-level field 15)
            extra_options = pb.CleanOptions(include_removed=True).SerializeToString() + b"\x18\x80\x94\xeb\xdc\x03"
            request += b"\x12" + bytes([len(extra_options)]) + extra_options + b"\x78\x80\x94\xeb\xdc\x03"
            metadata = (("x-max-input-bytes", "1000000000"), ("grpc-max-message-length", "-1"))
            with pytest.raises(grpc.RpcError) as rpc:
                raw_call(request, metadata=metadata, timeout=10)
            assert rpc.value.code() == grpc.StatusCode.INVALID_ARGUMENT
            assert f"over the limit of {limit} bytes" in (rpc.value.details() or "")
            # past the message limit, grpc refuses before any handler runs
            with pytest.raises(grpc.RpcError) as rpc:
                raw_call(pb.CleanRequest(document=pb.Document(data=big * 5)).SerializeToString(),
                         metadata=metadata, timeout=10)
            assert rpc.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
            assert "vs. 400000)" in (rpc.value.details() or "")


def test_a_caller_cannot_lift_the_concurrency_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(server.service, "clean", fake_clean(0.5))
    metadata = (("grpc.max_concurrent_streams", "1000"), ("x-priority", "high"))
    with InProcessServer(ServerConfig(max_concurrent=2, threads=1)) as srv, \
            grpc.insecure_channel(srv.target) as channel:
        stub = pb_grpc.CleanerServiceStub(channel)
        futures = [stub.Clean.future(pb.CleanRequest(document=pb.Document(data=SEED)), metadata=metadata, timeout=10)
                   for _ in range(8)]
        codes = status_codes(futures)
    assert codes.count(grpc.StatusCode.OK) == 2
    assert codes.count(grpc.StatusCode.RESOURCE_EXHAUSTED) == 6


# --- logs at the default level ---------------------------------------------------------------------------


def test_default_logs_hold_no_document_url_or_secret(tmp_path: Path) -> None:
    secret = "tok-9f2c41d7-secret"
    phrase = "kestrel-over-the-harbour"
    token_file = tmp_path / "token"
    token_file.write_text(secret)
    with ServeProcess("--workers", "1", "--max-input-bytes", "2000", "--token-file", str(token_file)) as srv:
        with CleanerClient(srv.target, token=secret, retries=0) as c:
            results = c.clean_batch([
                ("ok", f"Title {phrase}\n{ARTICLE}", "auto", f"https://example.com/{phrase}?key={phrase}"),
                ("empty", " ", "auto", None),
                ("binary", b"\x89PNG\r\n\x1a\n\x00" + phrase.encode(), "auto", None),
                ("large", f"{phrase} " * 500, "auto", None),
                ("format", phrase, "docx", None),
            ])
            assert [type(r).__name__ for r in results] == ["Article", "EmptyInputError", "BinaryInputError",
                                                          "InputTooLargeError", "OptionsError"]
        with grpc.insecure_channel(srv.target) as channel:
            raw_call = channel.unary_unary("/cleaner.v1.CleanerService/Clean")  # type: ignore[call-arg]
            for metadata in ((("authorization", f"Bearer {secret}"),), (("authorization", f"Bearer {phrase}"),),
                             (("authorization", secret),)):
                with pytest.raises(grpc.RpcError):  # undecodable request; a wrong token; a token without Bearer
                    raw_call(pb.CleanRequest(document=pb.Document(text=phrase)).SerializeToString()
                             .replace(phrase.encode(), b"\xff" + phrase.encode()[1:]), metadata=metadata, timeout=5)
        assert srv.terminate() == 0
        log = srv.log()
    assert "UNAUTHENTICATED" in log  # refused calls are logged, without what they carried
    assert secret not in log and phrase not in log and "estrel-over" not in log
