"""HTTP front end over a plain SelectionService (no Ray): tokens, body limits, validation."""

import pytest
from conftest import tiny_pool
from fastapi.testclient import TestClient

from sai_dpo import SelectionConfig
from sai_dpo._selection_service import SelectionService
from sai_dpo.errors import InvalidInputError
from sai_dpo.http import TOKEN_ENV, create_app, is_available, resolve_token, serve_http

LOCAL = "http://127.0.0.1:8000"  # a tokenless server answers only requests for this machine


@pytest.fixture
def svc():
    return SelectionService(tiny_pool(40), SelectionConfig(seed=0))


def test_local_server_without_token_answers_report_draw_table_stats(svc):
    web = TestClient(create_app(svc), base_url=LOCAL)
    r = web.post("/report", json={"batch_id": "b1", "problem_ids": ["p1", "p1"], "rewards": [1, 0],
                                  "statuses": ["correct", "incorrect"], "n_tokens": [10, 12]})
    assert r.status_code == 200 and r.json() == {"applied": True, "duplicate": False, "n": 2}
    d = web.post("/draw", json={"key": 3, "n": 5}).json()
    assert d["ids"] == [f"p{i}" for i in d["indices"]] and d["ids"] == svc.draw(3, 5)[0]
    stats = web.get("/stats").json()
    assert stats["status_counts"] == {"correct": 1, "incorrect": 1} and stats["n_outcomes"] == 2
    table = web.get("/table").json()
    assert sum(row["attempts"] for row in table) > 0
    assert web.get("/summary").json()["n_outcomes"] == 2
    assert web.get("/healthz").json() == {"ok": True}


def test_token_is_required_when_set_and_healthz_stays_open(svc):
    web = TestClient(create_app(svc, token="t0ken"))
    assert web.get("/stats").status_code == 401
    assert web.get("/stats", headers={"Authorization": "t0ken"}).status_code == 401  # no "Bearer "
    assert web.get("/stats", headers={"Authorization": "Bearer t0ken"}).status_code == 200
    assert web.get("/healthz").status_code == 200


@pytest.mark.parametrize("body,status", [
    ({"batch_id": "b", "problem_ids": ["p1"], "rewards": [1.5]}, 400),
    ({"batch_id": "b", "problem_ids": ["zzz"], "rewards": [1.0]}, 400),
    ({"batch_id": "b", "problem_ids": ["p1", "p2"], "rewards": [1.0]}, 400),
    ({"batch_id": "b", "problem_ids": ["p1"], "rewards": [1.0], "n_steps": [-1]}, 400),
    ({"batch_id": "b", "problem_ids": ["p1"]}, 422),
    ({"batch_id": "b", "problem_ids": "p1", "rewards": [1.0]}, 422),
])
def test_bad_report_bodies_are_rejected_and_change_nothing(svc, body, status):
    web = TestClient(create_app(svc), base_url=LOCAL)
    before = svc.stats()
    r = web.post("/report", json=body)
    assert r.status_code == status
    assert svc.stats()["n_outcomes"] == before["n_outcomes"] == 0


def test_oversized_bodies_are_refused_with_413(svc):
    web = TestClient(create_app(svc, max_body_bytes=1000), base_url=LOCAL)
    big = {"batch_id": "big", "problem_ids": ["p1"] * 300, "rewards": [1.0] * 300}
    assert web.post("/report", json=big).status_code == 413
    # Without a Content-Length header (chunked upload) the limit holds too.
    chunks = (b'{"batch_id": "big", "problem_ids": [' + b'"p1",' * 300 + b'"p1"], "rewards": [1]}',)
    r = web.post("/report", content=iter(chunks), headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert svc.stats()["n_outcomes"] == 0
    assert web.post("/draw", json={"key": "k", "n": 2}).status_code == 200


def test_exposed_hosts_need_a_token_from_env_or_file(tmp_path, monkeypatch):
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    assert resolve_token("127.0.0.1") is None and resolve_token("localhost") is None
    with pytest.raises(InvalidInputError, match="needs a bearer token"):
        resolve_token("0.0.0.0")
    monkeypatch.setenv(TOKEN_ENV, "from-env-0123456789")
    assert resolve_token("0.0.0.0") == "from-env-0123456789"
    f = tmp_path / "tok"
    f.write_text("from-file-0123456789\n")
    assert resolve_token("10.1.2.3", f) == "from-file-0123456789"
    f.write_text("  ")
    with pytest.raises(InvalidInputError, match="empty"):
        resolve_token("10.1.2.3", f)
    with pytest.raises(InvalidInputError, match="without a bearer token"):
        serve_http(object(), host="0.0.0.0", port=1, token=None)
    assert is_available()


def test_a_blank_or_short_token_never_opens_an_exposed_server(tmp_path, monkeypatch):
    """A blank $SAI_DPO_TOKEN is no token (so an exposed host is refused), and a short one is refused:
    otherwise `Authorization: Bearer ` with an empty token would pass."""
    monkeypatch.setenv(TOKEN_ENV, "   ")
    with pytest.raises(InvalidInputError, match="needs a bearer token"):
        resolve_token("0.0.0.0")
    assert resolve_token("127.0.0.1") is None
    monkeypatch.setenv(TOKEN_ENV, "short")
    with pytest.raises(InvalidInputError, match="at least 16"):
        resolve_token("0.0.0.0")
    with pytest.raises(InvalidInputError, match="token"):
        create_app(object(), token="")


@pytest.mark.parametrize("where", ["missing", "folder"])
def test_an_unreadable_token_file_is_named_in_one_line(tmp_path, where):
    path = tmp_path / "tok"
    if where == "folder":
        path.mkdir()
    with pytest.raises(InvalidInputError, match=r"The token file .*tok cannot be read \(.*\); pass a file"):
        resolve_token("0.0.0.0", path)


def test_oversized_keys_and_batch_ids_are_refused(svc):
    """Keys and batch ids are cached and snapshotted: a 10 kB one is refused and changes nothing."""
    with pytest.raises(InvalidInputError, match="at most 256"):
        svc.draw("k" * 10_000, 2)
    with pytest.raises(InvalidInputError, match="at most 256"):
        svc.report("b" * 10_000, ["p1"], [1.0])
    assert svc.stats()["n_outcomes"] == 0 and svc.stats()["n_keys_cached"] == 0


def test_only_this_machine_is_served_without_a_token(monkeypatch):
    """Issue 15, item 8: 127.0.0.2 served without a token although the README says only 127.0.0.1 may."""
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    assert resolve_token("127.0.0.1") is None and resolve_token("localhost") is None and resolve_token("::1") is None
    for host in ("127.0.0.2", "0.0.0.0", "10.0.0.5"):
        with pytest.raises(InvalidInputError, match="bearer token"):
            resolve_token(host)


def test_a_tokenless_server_answers_only_requests_for_this_machine(svc):
    """DNS rebinding: a web page that resolves its own name to 127.0.0.1 sends its own Host header."""
    assert TestClient(create_app(svc), base_url="http://evil.example:8000").get("/stats").status_code == 421
    assert TestClient(create_app(svc), base_url="http://localhost:8000").get("/stats").status_code == 200
    with_token = TestClient(create_app(svc, token="t" * 20), base_url="http://service.example")
    assert with_token.get("/stats", headers={"Authorization": "Bearer " + "t" * 20}).status_code == 200


def test_docs_are_off_and_the_bearer_scheme_is_case_insensitive(svc):
    web = TestClient(create_app(svc, token="t" * 20), base_url=LOCAL)
    for path in ("/docs", "/redoc", "/openapi.json"):
        assert web.get(path).status_code == 404
    assert web.get("/stats", headers={"Authorization": "bearer " + "t" * 20}).status_code == 200
    assert web.get("/stats", headers={"Authorization": "BEARER " + "t" * 20}).status_code == 200


@pytest.mark.parametrize("path,body", [
    ("/report", {"batch_id": "b", "problem_ids": ["p1"], "rewards": ["1"]}),  # a string reward
    ("/report", {"batch_id": 7, "problem_ids": ["p1"], "rewards": [1]}),  # a number as batch id
    ("/report", {"batch_id": "b", "problem_ids": ["p1"], "rewards": [1], "round": "2"}),
    ("/report", {"batch_id": "b", "problem_ids": ["p1"], "rewards": [1], "reward": [0]}),  # a misspelt field
    ("/draw", {"key": "k", "n": "4"}),  # a string n
    ("/draw", {"key": 1.5, "n": 4}),
])
def test_loosely_typed_values_are_refused(svc, path, body):
    web = TestClient(create_app(svc), base_url=LOCAL)
    got = web.post(path, json=body)
    assert got.status_code == 422 and set(got.json()) == {"error"} and "\n" not in got.json()["error"]
    assert svc.stats()["n_outcomes"] == 0
    if body.get("rewards") == ["1"]:  # one line per field, the union's members named together
        assert got.json()["error"].startswith("rewards.0: Input should be a valid integer or a valid number. ")


@pytest.mark.parametrize("path,raw", [
    ("/draw", '{"key": "k", "n": NaN}'),
    ("/report", '{"batch_id": "b", "problem_ids": ["p1"], "rewards": [1], "round": 1e400}'),
    ("/report", '{"batch_id": "b", "problem_ids": ["p1"], "rewards": [1], "round": -Infinity}'),
    ("/report", '{"batch_id": "b", "problem_ids": ["p1"], "rewards": [1], "statuses": [NaN]}'),
])
def test_non_finite_numbers_in_typed_fields_get_a_422_in_one_line_not_a_500(svc, path, raw):
    """FastAPI's validation answer echoes each input; NaN or 1e400 cannot be written as JSON, so it was a 500."""
    web = TestClient(create_app(svc), base_url=LOCAL, raise_server_exceptions=False)
    got = web.post(path, content=raw, headers={"content-type": "application/json"})
    assert got.status_code == 422 and "\n" not in got.json()["error"]
    assert path.lstrip("/") != "draw" or got.json()["error"].startswith("n: ")
    assert svc.stats()["n_outcomes"] == 0


def test_a_body_that_arrives_too_slowly_is_refused_with_408(svc, monkeypatch):
    import asyncio

    from sai_dpo import http

    monkeypatch.setattr(http, "BODY_TIMEOUT", 0.05)
    app = create_app(svc)
    sent = []

    async def receive():
        await asyncio.sleep(10)  # a client that never finishes its body

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/report", "headers": [(b"host", b"127.0.0.1:8000")]}
    asyncio.run(asyncio.wait_for(app(scope, receive, send), 5))
    assert sent[0]["status"] == 408


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def http_server():
    """serve_http itself (uvicorn, our protocol) in a child process, with a 1 s header deadline."""
    import subprocess
    import sys
    import time
    import urllib.request

    port = _free_port()
    code = ("from data import build_pool\n"
            "from sai_dpo import SelectionConfig\n"
            "from sai_dpo._selection_service import SelectionService\n"
            "from sai_dpo.http import serve_http\n"
            "svc = SelectionService(build_pool(30, seed=0, kind='arith'), SelectionConfig(seed=0))\n"
            f"serve_http(svc, port={port}, header_timeout=1.0)\n")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 60
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
            break
        except OSError:
            if time.time() > deadline or proc.poll() is not None:
                proc.kill()
                pytest.fail(f"the HTTP server did not start: {proc.stderr.read().decode()[-2000:]}")
            time.sleep(0.2)
    yield port
    proc.kill()
    proc.wait()


def _closed_after(sock, trickle: bytes, limit: float) -> float | None:
    """Send ``trickle`` a byte every 0.1 s (then wait); seconds until the server closed, None if not by ``limit``."""
    import time

    sock.settimeout(0.1)
    t0 = time.perf_counter()
    pending = list(trickle)
    while time.perf_counter() - t0 < limit:
        try:
            if pending:
                sock.send(bytes([pending.pop(0)]))
            if sock.recv(1024) == b"":
                return time.perf_counter() - t0
        except TimeoutError:
            continue
        except OSError:  # reset by the server
            return time.perf_counter() - t0
    return None


def test_headers_sent_a_byte_at_a_time_are_cut_off(http_server):
    """Issue 15: slow headers (slowloris) held a connection open for ever; now it is closed at the
    header deadline (1 s here), while a keep-alive client that pauses between requests is served."""
    import socket
    import time

    with socket.create_connection(("127.0.0.1", http_server)) as slow:
        header = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"X-Slow: " + b"a" * 200
        closed = _closed_after(slow, header, limit=8.0)
    assert closed is not None and closed < 4.0, closed
    with socket.create_connection(("127.0.0.1", http_server)) as ok:
        request = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        for _ in range(2):  # the same connection twice, with a pause shorter than the deadline
            ok.sendall(request)
            ok.settimeout(5)
            answer = b""
            while b'{"ok":true}' not in answer:
                chunk = ok.recv(4096)
                assert chunk, f"the server closed a well-behaved connection: {answer!r}"
                answer += chunk
            time.sleep(0.5)


@pytest.mark.parametrize("content", [
    b'{"key": ' + b"9" * 5000 + b', "n": 3}',  # an int Python's JSON reader refuses (over 4,300 digits)
    b'{"key": "\xff\xfe", "n": 3}',  # not UTF-8
    b'{"key": "k", "n": ',  # cut short
])
def test_a_body_that_cannot_be_read_gets_one_line_in_the_house_shape(svc, content):
    web = TestClient(create_app(svc), base_url=LOCAL)
    r = web.post("/draw", content=content, headers={"content-type": "application/json"})
    assert 400 <= r.status_code < 500 and set(r.json()) == {"error"}, (r.status_code, r.text)
    assert web.get("/nope").json() == {"error": "Not Found"}
    assert web.post("/draw", json={"key": 2**63, "n": 3}).json()["error"].startswith("An int draw key must fit")
