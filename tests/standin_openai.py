"""A local stand-in for the parts of the OpenAI API that ftcost's live calibration uses.

Started by the `standin` fixture on 127.0.0.1 with a free port, in a thread; the real `openai` SDK is
pointed at it with `base_url`, so every byte goes through the SDK's own request, retry and parsing code.

Endpoints and payload shapes follow OpenAI's API reference (objects `file`, `fine_tuning.job`,
`fine_tuning.job.event`, `list`, `chat.completion`; ids `file-…`, `ftjob-…`, `ftevent-…`, `chatcmpl-…`):

    POST /v1/files                              multipart upload (purpose=fine-tune) → file object
    POST /v1/fine_tuning/jobs                   → job (validating_files)
    GET  /v1/fine_tuning/jobs/{id}              each read advances validating_files → queued → running → succeeded
    GET  /v1/fine_tuning/jobs/{id}/events       newest first, `limit` and `after` cursors, has_more
    POST /v1/chat/completions                   → chat.completion with usage incl. prompt_tokens_details.cached_tokens

Token counts are computed here, independently of ftcost's dataset module, the way OpenAI bills chat
prompts: per message 3 tokens + the role + the content (+1 for a `name`), plus 3 to prime the reply,
with the model's own encoding (via ftcost.tokens, i.e. tiktoken). Prompt caching behaves as
documented: a prompt whose first ≥1,024 tokens were seen before gets that prefix cached, in 128-token
steps. A finished job bills epochs × the tokens of every example (`trained_tokens`).

Scripted errors (`fail(...)`) return OpenAI's error bodies: 401 invalid_api_key, 403
training_not_available, 404 model_not_found, 429 rate_limit_exceeded with `retry-after`, 429
insufficient_quota, 500 server_error. A wrong or missing key is answered 401 like the real API.
"""

from __future__ import annotations

import json
import re
import secrets
import string
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ftcost.tokens import count

#: A recognisable fake key: tests check it never shows up in output, JSON, logs, errors or files.
FAKE_KEY = "sk-test-FTCOSTSECRET123-kq7Zx9"
ORG = "org-standin"

# Snapshots the stand-in serves, and the aliases OpenAI resolves to them.
ALIASES = {
    "gpt-4o-mini": "gpt-4o-mini-2024-07-18",
    "gpt-4o": "gpt-4o-2024-08-06",
    "gpt-4.1": "gpt-4.1-2025-04-14",
    "gpt-4.1-mini": "gpt-4.1-mini-2025-04-14",
    "gpt-3.5-turbo": "gpt-3.5-turbo-0125",
    "gpt-4": "gpt-4-0613",
}
FINE_TUNABLE = {
    "gpt-4o-mini-2024-07-18",
    "gpt-4o-2024-08-06",
    "gpt-4.1-2025-04-14",
    "gpt-4.1-mini-2025-04-14",
    "gpt-3.5-turbo-0125",
    "gpt-3.5-turbo-1106",
    "gpt-3.5-turbo-0613",
}
# The models served today that cannot be fine-tuned (the default airport scenario compares with them).
CHAT_MODELS = FINE_TUNABLE | {"gpt-4-0613", "gpt-4o-2024-05-13", "gpt-6-luna", "gpt-5.6-luna"}

ERRORS = {
    # status, type, code, message (OpenAI's wording)
    "invalid_api_key": (
        401,
        "invalid_request_error",
        "Incorrect API key provided: {masked}. You can find your API key at https://platform.openai.com/account/api-keys.",
    ),
    "training_not_available": (
        403,
        "invalid_request_error",
        "Fine-tuning is no longer available for new training jobs in this organization.",
    ),
    "model_not_found": (
        404,
        "invalid_request_error",
        "The model `{model}` does not exist or you do not have access to it.",
    ),
    "rate_limit_exceeded": (
        429,
        "requests",
        "Rate limit reached for {model} in organization " + ORG + " on requests per min (RPM): Limit 3, Used 3, "
        "Requested 1. Please try again in 20s.",
    ),
    "insufficient_quota": (
        429,
        "insufficient_quota",
        "You exceeded your current quota, please check your plan and billing details. For more information on "
        "this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.",
    ),
    "server_error": (500, "server_error", "The server had an error while processing your request. Sorry about that!"),
}


def encoding_of(model: str) -> str:
    base = model.split(":")[1] if model.startswith("ft:") else model
    return "o200k_base" if base.startswith(("gpt-4o", "gpt-4.1", "gpt-5", "gpt-6", "o1", "o3", "o4")) else "cl100k_base"


def prompt_sequence(messages: list[dict], encoding: str) -> list[Any]:
    """The prompt as OpenAI bills it: a token stream whose length is prompt_tokens (markers for overhead)."""
    from ftcost.tokens import get_encoding

    enc = get_encoding(encoding)
    seq: list[Any] = []
    for message in messages:
        seq += ["<msg>"] * 3
        for key, value in message.items():
            if isinstance(value, str):
                seq += enc.encode_ordinary(value)
                if key == "name":
                    seq.append("<name>")
    return seq + ["<reply>"] * 3


def chat_tokens(messages: list[dict], encoding: str) -> int:
    return len(prompt_sequence(messages, encoding))


def _rand_id(prefix: str, n: int = 24) -> str:
    alphabet = string.ascii_letters + string.digits
    return prefix + "".join(secrets.choice(alphabet) for _ in range(n))


def auto_epochs(n: int) -> int:
    """OpenAI's documented default for n examples (cookbook constants)."""
    if n * 3 < 100:
        return min(25, 100 // n)
    if n * 3 > 25_000:
        return max(1, 25_000 // n)
    return 3


@dataclass
class Scripted:
    status: int
    code: str | None
    message: str
    type: str
    retry_after: str | None = None


@dataclass
class Job:
    data: dict
    examples: list[dict]
    outcome: str
    reads: int = 0
    events: list[dict] = field(default_factory=list)


class StandIn:
    """The server's state: files, jobs, events, the request log and scripted failures."""

    def __init__(self, key: str = FAKE_KEY) -> None:
        self.key = key
        self.lock = threading.Lock()
        self.files: dict[str, dict] = {}
        self.file_bytes: dict[str, bytes] = {}
        self.jobs: dict[str, Job] = {}
        self.fine_tuned: set[str] = set()
        self.requests: list[tuple[str, str, int]] = []  # (method, route, status)
        self.bodies: list[dict] = []  # JSON bodies received (chat + jobs), for assertions
        self.scripted: dict[str, list[Scripted]] = {}
        self.delay: dict[str, float] = {}
        self.job_outcome = "succeeded"
        self.failure_message = (
            "The job failed due to an invalid training file. Invalid file format. Example 3, message 2: "
            "Missing required key 'content'."
        )
        self.trained_tokens_adjust = 0  # lets a test make OpenAI bill differently from ftcost's prediction
        self.answer: Callable[[str, list[dict]], str] = lambda model, messages: (
            "Your flight leaves from gate B12 at 14:05; boarding starts 30 minutes before."
        )
        self._seen_prompts: dict[str, list[list[Any]]] = {}
        self.server: ThreadingHTTPServer | None = None
        #: A hostile server's model names: answers name this model instead of the served snapshot.
        self.served_model_name: str | None = None

    # --- test controls -----------------------------------------------------------------------------

    def fail(
        self, route: str, code: str, *, times: int = 1, retry_after: str | None = None, model: str = "gpt-4o-mini"
    ) -> None:
        """Answer the next `times` requests to `route` ("POST /v1/chat/completions") with OpenAI's error `code`."""
        status, typ, message = ERRORS[code]
        entry = Scripted(
            status,
            None if code == "server_error" else code,
            message.format(model=model, masked="sk-***"),
            typ,
            retry_after,
        )
        self.scripted.setdefault(route, []).extend([entry] * times)

    def count(self, route: str) -> int:
        """How many requests reached `route` (retries included)."""
        return sum(1 for _, r, _ in self.requests if r == route)

    @property
    def base_url(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def start(self) -> StandIn:
        standin = self

        class Handler(_Handler):
            state = standin

        self.server = _Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, name="openai-standin", daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    # --- behaviour ---------------------------------------------------------------------------------

    def resolve(self, model: str) -> str | None:
        if model in self.fine_tuned:
            return model
        snapshot = ALIASES.get(model, model)
        return snapshot if snapshot in CHAT_MODELS else None

    def chat(self, body: dict) -> tuple[int, dict]:
        model = body.get("model", "")
        served = self.resolve(model)
        if served is None:
            return _error(404, "model_not_found", model=model)
        messages = body.get("messages") or []
        if not isinstance(messages, list) or not all(isinstance(m, dict) and "role" in m for m in messages):
            return 400, _error_body(
                "invalid_request_error", None, "'messages' must be a list of message objects.", "messages"
            )
        encoding = encoding_of(served)
        seq = prompt_sequence(messages, encoding)
        with self.lock:
            previous = self._seen_prompts.setdefault(served, [])
            prefix = max((_common_prefix(seq, p) for p in previous), default=0)
            previous.append(seq)
        cached = prefix // 128 * 128 if prefix >= 1024 else 0
        answer = self.answer(model, messages)
        answer_tokens = count(answer, encoding)
        finish = "stop"
        cap = body.get("max_completion_tokens") or body.get("max_tokens")
        if isinstance(cap, int) and answer_tokens > cap:
            from ftcost.tokens import get_encoding

            enc = get_encoding(encoding)
            answer = enc.decode(enc.encode_ordinary(answer)[:cap])
            answer_tokens, finish = cap, "length"
        return 200, {
            "id": _rand_id("chatcmpl-", 29),
            "object": "chat.completion",
            "created": int(time.time()),
            "model": self.served_model_name or served,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": answer, "refusal": None, "annotations": []},
                    "logprobs": None,
                    "finish_reason": finish,
                }
            ],
            "usage": {
                "prompt_tokens": len(seq),
                "completion_tokens": answer_tokens,
                "total_tokens": len(seq) + answer_tokens,
                "prompt_tokens_details": {"cached_tokens": cached, "audio_tokens": 0},
                "completion_tokens_details": {
                    "reasoning_tokens": 0,
                    "audio_tokens": 0,
                    "accepted_prediction_tokens": 0,
                    "rejected_prediction_tokens": 0,
                },
            },
            "service_tier": "default",
            "system_fingerprint": "fp_" + secrets.token_hex(5),
        }

    def upload(self, content_type: str, raw: bytes) -> tuple[int, dict]:
        message = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + raw)
        fields: dict[str, Any] = {}
        filename, data = None, None
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if name == "file":
                filename, data = part.get_filename(), part.get_payload(decode=True)
            else:
                fields[name] = part.get_content().strip()
        if data is None:
            return 400, _error_body("invalid_request_error", None, "Missing file.", "file")
        if fields.get("purpose") != "fine-tune":
            return 400, _error_body(
                "invalid_request_error", None, f"Invalid purpose: {fields.get('purpose')!r}.", "purpose"
            )
        file_id = _rand_id("file-", 22)
        obj = {
            "id": file_id,
            "object": "file",
            "bytes": len(data),
            "created_at": int(time.time()),
            "filename": filename or "upload.jsonl",
            "purpose": "fine-tune",
            "status": "processed",
            "status_details": None,
            "expires_at": None,
        }
        with self.lock:
            self.files[file_id] = obj
            self.file_bytes[file_id] = data
        return 200, obj

    def create_job(self, body: dict) -> tuple[int, dict]:
        model = body.get("model", "")
        snapshot = ALIASES.get(model, model)
        if snapshot not in FINE_TUNABLE:
            return 400, _error_body(
                "invalid_request_error",
                "model_not_available",
                f"Model {model} is not available for fine-tuning or does not exist.",
                "model",
            )
        file_id = body.get("training_file")
        if file_id not in self.files:
            return 400, _error_body("invalid_request_error", None, f"invalid training_file: {file_id}", "training_file")
        examples = [json.loads(line) for line in self.file_bytes[file_id].decode().splitlines() if line.strip()]
        method = body.get("method") or {}
        hyper = (method.get("supervised") or {}).get("hyperparameters") or body.get("hyperparameters") or {}
        epochs = hyper.get("n_epochs", "auto")
        if epochs == "auto":
            epochs = auto_epochs(len(examples))
        if not isinstance(epochs, int) or not 1 <= epochs <= 50:
            return 400, _error_body(
                "invalid_request_error", None, f"Invalid n_epochs: {epochs!r}.", "hyperparameters.n_epochs"
            )
        job_id = _rand_id("ftjob-", 24)
        suffix = body.get("suffix") or ""
        hyperparameters = {"n_epochs": epochs, "batch_size": 1, "learning_rate_multiplier": 1.8}
        data = {
            "object": "fine_tuning.job",
            "id": job_id,
            "model": snapshot,
            "created_at": int(time.time()),
            "finished_at": None,
            "fine_tuned_model": None,
            "organization_id": ORG,
            "result_files": [],
            "status": "validating_files",
            "validation_file": None,
            "training_file": file_id,
            "hyperparameters": hyperparameters,
            "trained_tokens": None,
            "error": None,
            "user_provided_suffix": suffix or None,
            "seed": 1234,
            "estimated_finish": None,
            "integrations": [],
            "metadata": None,
            "method": {"type": "supervised", "supervised": {"hyperparameters": hyperparameters}},
        }
        job = Job(data, examples, self.job_outcome)
        self._event(job, "info", f"Created fine-tuning job: {job_id}")
        self._event(job, "info", f"Validating training file: {file_id}")
        with self.lock:
            self.jobs[job_id] = job
        return 200, data

    def read_job(self, job_id: str) -> tuple[int, dict]:
        job = self.jobs.get(job_id)
        if job is None:
            return 404, _error_body(
                "invalid_request_error", None, f"Could not find fine-tune: {job_id}", "fine_tune_id"
            )
        with self.lock:
            job.reads += 1
            self._advance(job)
        return 200, job.data

    def _advance(self, job: Job) -> None:
        d = job.data
        if d["status"] in ("succeeded", "failed", "cancelled"):
            return
        if d["status"] == "validating_files":
            if job.outcome == "failed":
                d.update(status="failed", finished_at=int(time.time()))
                d["error"] = {
                    "code": "invalid_training_file",
                    "param": "training_file",
                    "message": self.failure_message,
                }
                self._event(job, "error", self.failure_message)
                return
            d["status"] = "queued"
            self._event(job, "info", "Files validated, moving job to queued state")
        elif d["status"] == "queued":
            if job.outcome == "cancelled":
                d.update(status="cancelled", finished_at=int(time.time()))
                self._event(job, "info", "Fine-tuning job cancelled")
                return
            d.update(status="running", estimated_finish=int(time.time()) + 600)
            self._event(job, "info", "Fine-tuning job started")
        elif d["status"] == "running":
            epochs = d["hyperparameters"]["n_epochs"]
            steps = epochs * len(job.examples)
            for step in (1, steps):
                self._event(
                    job,
                    "info",
                    f"Step {step}/{steps}: training loss=0.{900 - step % 800:03d}",
                    kind="metrics",
                    data={"step": step, "total_steps": steps, "train_loss": 0.9, "train_mean_token_accuracy": 0.7},
                )
            per_epoch = sum(chat_tokens(e.get("messages", []), encoding_of(d["model"])) for e in job.examples)
            suffix = d["user_provided_suffix"] or ""
            name = f"ft:{d['model']}:{ORG.removeprefix('org-')}:{suffix}:{_rand_id('', 8)}"
            d.update(
                status="succeeded",
                finished_at=int(time.time()),
                fine_tuned_model=name,
                trained_tokens=epochs * per_epoch + self.trained_tokens_adjust,
                result_files=[_rand_id("file-", 22)],
                estimated_finish=None,
            )
            self.fine_tuned.add(name)
            self._event(job, "info", f"New fine-tuned model created: {name}")
            self._event(job, "info", "The job has successfully completed")

    def _event(self, job: Job, level: str, message: str, kind: str = "message", data: Any = None) -> None:
        job.events.append(
            {
                "object": "fine_tuning.job.event",
                "id": _rand_id("ftevent-", 24),
                "created_at": int(time.time()),
                "level": level,
                "message": message,
                "data": data or {},
                "type": kind,
            }
        )

    def list_events(self, job_id: str, query: dict[str, list[str]]) -> tuple[int, dict]:
        job = self.jobs.get(job_id)
        if job is None:
            return 404, _error_body(
                "invalid_request_error", None, f"Could not find fine-tune: {job_id}", "fine_tune_id"
            )
        newest_first = list(reversed(job.events))
        after = (query.get("after") or [None])[0]
        if after:
            ids = [e["id"] for e in newest_first]
            newest_first = newest_first[ids.index(after) + 1 :] if after in ids else []
        limit = int((query.get("limit") or ["20"])[0])
        page = newest_first[:limit]
        return 200, {"object": "list", "data": page, "has_more": len(newest_first) > limit}


def _common_prefix(a: list, b: list) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _error_body(typ: str, code: str | None, message: str, param: str | None = None) -> dict:
    return {"error": {"message": message, "type": typ, "param": param, "code": code}}


def _error(status: int, code: str, **fmt: str) -> tuple[int, dict]:
    _, typ, message = ERRORS[code]
    return status, _error_body(typ, code, message.format(**fmt))


_ROUTES = [
    ("POST", re.compile(r"^/v1/files$"), "POST /v1/files"),
    ("POST", re.compile(r"^/v1/fine_tuning/jobs$"), "POST /v1/fine_tuning/jobs"),
    ("GET", re.compile(r"^/v1/fine_tuning/jobs/(?P<id>[^/]+)$"), "GET /v1/fine_tuning/jobs/{id}"),
    ("GET", re.compile(r"^/v1/fine_tuning/jobs/(?P<id>[^/]+)/events$"), "GET /v1/fine_tuning/jobs/{id}/events"),
    ("POST", re.compile(r"^/v1/chat/completions$"), "POST /v1/chat/completions"),
]


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):  # a client that timed out and left is expected
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    state: StandIn
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # keep pytest output clean
        pass

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def _dispatch(self, method: str) -> None:
        url = urlsplit(self.path)
        raw = self.rfile.read(int(self.headers.get("content-length") or 0))
        for verb, pattern, route in _ROUTES:  # noqa: B007 - `route` is the matched one after the break
            match = pattern.match(url.path)
            if verb == method and match:
                break
        else:
            return self._send(
                404, _error_body("invalid_request_error", None, f"Invalid URL ({method} {url.path})"), "unknown"
            )
        state = self.state
        if route in state.delay:
            time.sleep(state.delay[route])
        if self.headers.get("authorization") != f"Bearer {state.key}":
            given = (self.headers.get("authorization") or "").removeprefix("Bearer ")
            masked = given[:8] + "*" * 20 + given[-4:] if len(given) > 12 else "<none>"
            status, typ, message = ERRORS["invalid_api_key"]
            return self._send(status, _error_body(typ, "invalid_api_key", message.format(masked=masked)), route)
        with state.lock:
            scripted = state.scripted.get(route)
            entry = scripted.pop(0) if scripted else None
        if entry is not None:
            headers = {"retry-after": entry.retry_after} if entry.retry_after else {}
            return self._send(entry.status, _error_body(entry.type, entry.code, entry.message), route, headers)
        if route == "POST /v1/files":
            status, body = state.upload(self.headers.get("content-type", ""), raw)
        else:
            payload = json.loads(raw) if raw else {}
            if method == "POST":
                with state.lock:
                    state.bodies.append({"route": route, **payload})
            if route == "POST /v1/chat/completions":
                status, body = state.chat(payload)
            elif route == "POST /v1/fine_tuning/jobs":
                status, body = state.create_job(payload)
            elif route.endswith("/events"):
                status, body = state.list_events(match["id"], parse_qs(url.query))
            else:
                status, body = state.read_job(match["id"])
        self._send(status, body, route)

    def _send(self, status: int, body: dict, route: str, extra: dict[str, str] | None = None) -> None:
        with self.state.lock:
            self.state.requests.append((self.command, route, status))
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.send_header("x-request-id", "req_" + secrets.token_hex(16))
        self.send_header("openai-organization", ORG.removeprefix("org-"))
        self.send_header("openai-processing-ms", "42")
        self.send_header("openai-version", "2020-10-01")
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


class Listener:
    """A bare TCP listener on loopback that records every byte anyone sends it (and answers nothing useful):
    where a key must never arrive."""

    def __init__(self) -> None:
        import socket

        self.received = bytearray()
        self.connections = 0
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self._sock.settimeout(0.2)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="listener", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._sock.getsockname()[:2]
        return f"http://{host}:{port}/v1"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            with conn:
                conn.settimeout(1.0)
                try:
                    while chunk := conn.recv(65536):
                        self.received += chunk
                        if b"\r\n\r\n" in self.received:
                            conn.sendall(b"HTTP/1.1 500 Internal Server Error\r\ncontent-length: 0\r\n\r\n")
                            break
                except OSError:
                    pass

    def __enter__(self) -> Listener:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._sock.close()


# The `standin` and `listener` fixtures that serve these two are in tests/conftest.py.


def client_for(server: StandIn, **config: Any):
    """ftcost's live client pointed at the stand-in, with the fake key (a 5 s timeout unless told)."""
    from ftcost.live.client import LiveConfig, connect

    config.setdefault("timeout", 5.0)
    return connect(FAKE_KEY, LiveConfig(base_url=server.base_url, **config))
