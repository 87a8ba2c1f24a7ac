"""The OpenAI-compatible completion backend against a loopback server started here, serving the tiny policy."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.dpo.conftest import SMALL


class _Server:
    """A minimal ``/v1/completions`` server on 127.0.0.1 generating with ``eval.generation``."""

    def __init__(self, model_dir):
        self.requests, self.loaded = [], []
        self.load(model_dir)
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.requests.append(body)
                if self.path != "/v1/completions" or body.get("model") != "tiny":
                    return self._send(404, {"error": {"message": f"model {body.get('model')!r} not found"}})
                self._send(200, outer.complete(body))

            def _send(self, code, payload):
                data = json.dumps(payload).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def load(self, model_dir):
        """Serve another checkpoint (what a vLLM restart on the new iteration's model does)."""
        from transformers import AutoModelForCausalLM, AutoTokenizer

        self.model = AutoModelForCausalLM.from_pretrained(model_dir)
        self.tokenizer = AutoTokenizer.from_pretrained(model_dir)
        self.tokenizer.chat_template = None  # prompts arrive rendered
        self.loaded.append(str(model_dir))

    def complete(self, body):
        from eval.generation import generate

        k = body["n"]
        outs = generate(self.model, self.tokenizer, body["prompt"], k=k, max_new_tokens=body["max_tokens"],
                        temperature=body["temperature"], seed=body["seed"])
        choices = [{"index": i * k + j, "text": text} for i, group in enumerate(outs) for j, text in enumerate(group)]
        return {"object": "text_completion", "model": "tiny", "choices": choices[::-1]}  # any order


@pytest.fixture(scope="module")
def server(dpo_policy):
    srv = _Server(dpo_policy)
    yield srv
    srv.httpd.shutdown()
    srv.httpd.server_close()


def test_completions_come_back_per_prompt_in_order(server, dpo_policy):
    from transformers import AutoTokenizer

    from eval.generation import generate
    from rl.backends import OpenAICompletionBackend

    tok = AutoTokenizer.from_pretrained(dpo_policy)
    backend = OpenAICompletionBackend(server.url, "tiny", tok, max_new_tokens=5, batch_size=2, seed=7)
    prompts = ["What is 1 + 1?", "Which is largest: 3, 5?", "What is 4 - 2?"]
    out = backend.generate(prompts, 3)
    first, second = server.requests[-2:]  # batch_size=2: two requests
    assert first["prompt"] == ["Q: What is 1 + 1?\nA:", "Q: Which is largest: 3, 5?\nA:"]  # chat template
    assert second["prompt"] == ["Q: What is 4 - 2?\nA:"]
    assert (first["n"], first["max_tokens"], first["seed"]) == (3, 5, 7000)
    # sorted back by index: the same samples the server generated for each prompt, in prompt order
    expected = generate(server.model, server.tokenizer, first["prompt"], k=3, max_new_tokens=5, seed=7000)
    assert out[:2] == expected and len(out[2]) == 3
    assert backend.generate([], 3) == []


def test_server_errors_are_clear(server):
    from rl.backends import OpenAICompletionBackend

    with pytest.raises(ValueError, match="answered HTTP 404"):
        OpenAICompletionBackend(server.url, "other-model").generate(["x"], 2)
    closed = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = closed.server_address[1]
    closed.server_close()
    with pytest.raises(ValueError, match="Cannot reach the completion server"):
        OpenAICompletionBackend(f"http://127.0.0.1:{port}/v1", "tiny", timeout=5).generate(["x"], 2)
    with pytest.raises(ValueError, match="'base_url' parameter of OpenAICompletionBackend"):
        OpenAICompletionBackend("127.0.0.1:8000", "tiny")


def test_loop_generates_through_the_server(server, tmp_path, dpo_pool_file, dpo_policy):
    """backend_factory points the server at each iteration's policy, as one would restart vLLM."""
    from pathlib import Path

    from transformers import AutoTokenizer

    from rl.backends import OpenAICompletionBackend
    from rl.dpo import run_dpo
    from rl.dpo_config import DPOLoopConfig

    def factory(model_dir, seed):
        server.load(model_dir)
        return OpenAICompletionBackend(server.url, "tiny", AutoTokenizer.from_pretrained(model_dir),
                                       max_new_tokens=SMALL["max_new_tokens"], seed=seed)

    cfg = DPOLoopConfig(run_dir=str(tmp_path / "run"), pool=dpo_pool_file, model=dpo_policy, iterations=2,
                        **SMALL)
    n_before = len(server.requests)
    summaries = run_dpo(cfg, progress=False, backend_factory=factory)
    assert [s["iteration"] for s in summaries] == [0, 1]
    assert server.loaded[-2:] == [dpo_policy, str(Path(cfg.run_dir) / "iter_000" / "model")]
    served = sum(len(r["prompt"]) * r["n"] for r in server.requests[n_before:])
    assert served == sum(s["n_samples_generated"] for s in summaries)


@pytest.mark.parametrize("field, value", [("batch_size", 0), ("max_new_tokens", -1), ("temperature", -0.5),
                                          ("timeout", 0), ("batch_size", True)])
def test_bad_sampling_settings_are_refused_at_construction(field, value):
    """Caught when the backend is built, with the house wording, not as a range() error mid-run."""
    from rl.backends import OpenAICompletionBackend
    from sai_dpo.errors import InvalidInputError

    with pytest.raises(InvalidInputError, match=f"The '{field}' parameter of OpenAICompletionBackend"):
        OpenAICompletionBackend("http://127.0.0.1:9/v1", "m", **{field: value})
