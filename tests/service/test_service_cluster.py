"""The service as users deploy it, every step in its own process: a `ray start --head` cluster,
`sai-dpo serve --detach`, two client processes joining by address at once, `sai-dpo status`,
`sai-dpo stop`, and `serve` again on the same checkpoint folder, which resumes it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import tiny_pool

from eval.bench.ray_head import RayHead

ROOT = Path(__file__).resolve().parents[2]
NAME, NS = "svc-e2e", "sai_dpo_test_cluster"
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
       "HF_HUB_OFFLINE": "1", "RAY_AUTH_MODE": "disabled"}

# A rollout worker: joins the cluster by address, draws the shared key, reports 5 batches for what it
# drew (its own rewards), flushes, and prints what it drew and sent.
CLIENT = """
import json, sys
from sai_dpo.service import connect
client = connect(sys.argv[2], sys.argv[3], address=sys.argv[1])
ids, _ = client.draw("run/round-1", 8)
k = int(sys.argv[4])
for b in range(5):
    client.report(ids, [float((i + b + k) % 2) for i in range(len(ids))])
client.flush(timeout=60)
client.close()
print(json.dumps({"ids": list(ids), "sent": 5 * len(ids)}))
"""


@pytest.fixture(scope="module")
def head():
    h = RayHead(cpus=2)
    address = h.start()
    yield address
    h.stop()


def _cli(*args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sai_dpo", *args], capture_output=True, text=True,
                          timeout=timeout, env=ENV, cwd=ROOT)


def _status(address: str) -> dict:
    done = _cli("status", "--address", address, "--name", NAME, "--namespace", NS, "--json")
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)["stats"]


def test_serve_detach_clients_status_stop_and_resume_on_a_ray_start_cluster(head, tmp_path):
    from data import save_pool

    pool = save_pool(tiny_pool(40), tmp_path / "pool.jsonl")
    ckpt = tmp_path / "ckpt"
    serve = ("serve", "--pool", str(pool), "--address", head, "--name", NAME, "--namespace", NS,
             "--checkpoint-dir", str(ckpt), "--detach", "--no-journal-fsync")
    up = _cli(*serve)
    assert up.returncode == 0 and "40 problems" in up.stdout, up.stderr[-2000:]

    workers = [subprocess.Popen([sys.executable, "-c", CLIENT, head, NAME, NS, str(k)], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=ENV, cwd=ROOT) for k in range(2)]
    outs = []
    for w in workers:
        out, err = w.communicate(timeout=180)
        assert w.returncode == 0, err[-2000:]
        outs.append(json.loads(out.strip().splitlines()[-1]))
    assert outs[0]["ids"] == outs[1]["ids"] and len(set(outs[0]["ids"])) == 8  # one key, one answer
    sent = sum(o["sent"] for o in outs)
    assert _status(head)["n_outcomes"] == sent == 80
    # The same command again attaches to the running service (the folder is that service's own), where it
    # was refused as "in use"; another service name on that folder is refused.
    attach = _cli(*serve)
    assert attach.returncode == 0 and "40 problems" in attach.stdout, attach.stderr[-2000:]
    other = _cli("serve", "--pool", str(pool), "--address", head, "--name", NAME + "-2", "--namespace", NS,
                 "--checkpoint-dir", str(ckpt), "--detach")
    assert other.returncode != 0 and "is in use by a running selection service" in other.stderr, other.stderr[-2000:]
    assert "Traceback" not in other.stderr

    down = _cli("stop", "--address", head, "--name", NAME, "--namespace", NS)
    assert down.returncode == 0 and "stopped selection service" in down.stdout, down.stderr[-2000:]
    gone = _cli("status", "--address", head, "--name", NAME, "--namespace", NS)
    assert gone.returncode != 0 and f"No selection service named {NAME!r}" in gone.stderr
    assert "Traceback" not in gone.stderr

    again = _cli(*serve)  # the same folder: everything acknowledged comes back
    assert again.returncode == 0, again.stderr[-2000:]
    assert _status(head)["n_outcomes"] == 80
    assert _cli("stop", "--address", head, "--name", NAME, "--namespace", NS, "--no-snapshot").returncode == 0


def test_stop_with_address_auto_refuses_to_guess_among_several_clusters(head):
    """`sai-dpo stop` defaults to --address auto, which Ray resolves to the cluster started last: with two
    on the machine it could stop someone else's service. It now names them and asks for one."""
    second = RayHead(cpus=1)
    other = second.start()
    try:
        env = {k: v for k, v in ENV.items() if k != "RAY_ADDRESS"}
        done = subprocess.run([sys.executable, "-m", "sai_dpo", "stop", "--name", "nobody", "--namespace", NS],
                              capture_output=True, text=True, timeout=120, env=env, cwd=ROOT)
    finally:
        second.stop()
    assert done.returncode == 2 and "Several Ray clusters run on this machine" in done.stderr, done.stderr[-2000:]
    assert head.split(":")[-1] in done.stderr and other.split(":")[-1] in done.stderr
    assert "Traceback" not in done.stderr


def test_stop_without_a_service_says_so_in_one_line(head):
    done = _cli("stop", "--address", head, "--name", "no-such-service", "--namespace", NS)
    assert done.returncode != 0 and "No selection service named 'no-such-service'" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_foreground_serve_stops_its_service_on_ctrl_c(head, tmp_path):
    """The process that started the service (no --detach) snapshots and ends it on Ctrl-C (SIGINT), also
    when it was started with SIGINT ignored, as a shell starts a background job (`serve ... &`)."""
    import signal

    from data import save_pool

    pool = save_pool(tiny_pool(20), tmp_path / "pool.jsonl")
    name = "svc-e2e-fg"
    proc = subprocess.Popen([sys.executable, "-m", "sai_dpo", "serve", "--pool", str(pool), "--address", head,
                             "--name", name, "--namespace", NS, "--checkpoint-dir", str(tmp_path / "ck")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV, cwd=ROOT,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    lines = []
    for line in proc.stdout:  # wait until it says it is up
        lines.append(line)
        if "is up" in line:
            break
    assert any("20 problems" in x for x in lines), "".join(lines) + proc.stderr.read()[-2000:]
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0 and "stopped; state saved to" in out, err[-2000:]
    assert list((tmp_path / "ck").glob("*snap*")), "no snapshot written"
    gone = _cli("status", "--address", head, "--name", name, "--namespace", NS)
    assert gone.returncode != 0 and f"No selection service named {name!r}" in gone.stderr


def test_a_foreground_serve_on_its_own_ray_ends_when_its_service_is_stopped_elsewhere(tmp_path):
    """`sai-dpo stop` of the service that a foreground `serve` started on its embedded Ray left that serve
    running for ever, its HTTP port answering 503 (nothing can serve again on that Ray); now it ends."""
    import socket

    from data import save_pool

    pool = save_pool(tiny_pool(20), tmp_path / "pool.jsonl")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    name = "svc-e2e-own"
    proc = subprocess.Popen([sys.executable, "-m", "sai_dpo", "serve", "--pool", str(pool), "--name", name,
                             "--namespace", NS, "--checkpoint-dir", str(tmp_path / "ck"), "--http", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV, cwd=ROOT)
    try:
        stop_line = None
        for line in proc.stdout:
            if line.startswith("stop it:"):
                stop_line = line
                break
        assert stop_line, proc.stderr.read()[-2000:]
        address = stop_line.split("--address")[1].split()[0]
        down = _cli("stop", "--address", address, "--name", name, "--namespace", NS)
        assert down.returncode == 0 and "stopped selection service" in down.stdout, down.stderr[-2000:]
        out, err = proc.communicate(timeout=90)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0 and f"the service {name!r} was stopped elsewhere" in out, (out, err[-2000:])
    with socket.socket() as s:  # its HTTP port is free again
        s.bind(("127.0.0.1", port))
