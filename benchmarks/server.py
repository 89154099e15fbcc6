"""Time `losscfg server` as an editor meets it (SPEC §14): from the process's start to the
answer of `initialize`, and from a change of a 200-line config to its diagnostics.

Run by hand (never by the tests): `python benchmarks/server.py [--rounds 10] [--losscfg BIN]`.
Each round starts a fresh server; a bare interpreter's start is timed beside it, side by side.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from typing import Any

from losscfg.server.protocol import DEBOUNCE


def config(lines: int = 200) -> str:
    body = [
        "model:",
        "  name: resnet20",
        "  num_classes: 10",
        "dataset:",
        "  name: cifar10",
        "loss:",
        "  name: cross_entropy",
        "  label_smoothing: 1e-1",
        "  weight: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]",
        "training:",
    ]
    index = 0
    while len(body) < lines - 2:
        body.append(f"  setting_{index}: {index}  # a comment")
        index += 1
    body += ["amp:", "  enabled: true"]
    return "\n".join(body) + "\n"


class Client:
    def __init__(self, command: list[str]) -> None:
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        self.next_id = 0

    def send(self, method: str, params: Any, *, request: bool = False) -> int | None:
        message: dict[str, Any] = {"jsonrpc": "2.0", "method": method, "params": params}
        number = None
        if request:
            self.next_id += 1
            number = message["id"] = self.next_id
        data = json.dumps(message).encode()
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(data) + data)
        self.process.stdin.flush()
        return number

    def receive(self) -> dict[str, Any]:
        stream = self.process.stdout
        assert stream is not None
        length = 0
        while True:
            line = stream.readline()
            if line in (b"\r\n", b""):
                break
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        return dict(json.loads(stream.read(length)))

    def wait_for(self, *, id: int | None = None, method: str | None = None) -> dict[str, Any]:
        while True:
            message = self.receive()
            if id is not None and message.get("id") == id and "method" not in message:
                return message
            if method is not None and message.get("method") == method:
                return message

    def close(self) -> None:
        number = self.send("shutdown", None, request=True)
        self.wait_for(id=number)
        self.send("exit", None)
        self.process.wait(timeout=10)


def one_round(command: list[str], text: str) -> tuple[float, float, float]:
    """(start to initialize's answer, open to diagnostics, change to diagnostics) in ms."""
    started = time.perf_counter()
    client = Client(command)
    number = client.send(
        "initialize", {"processId": os.getpid(), "rootUri": None, "capabilities": {}}, request=True
    )
    client.wait_for(id=number)
    initialized = time.perf_counter()
    client.send("initialized", {})
    uri = "file:///tmp/losscfg-bench/config.yaml"
    opened = time.perf_counter()
    client.send(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}},
    )
    client.wait_for(method="textDocument/publishDiagnostics")
    first = time.perf_counter()
    changed = time.perf_counter()
    client.send(
        "textDocument/didChange",
        {
            "textDocument": {"uri": uri, "version": 2},
            "contentChanges": [{"text": text.replace("1e-1", "2e-1")}],
        },
    )
    client.wait_for(method="textDocument/publishDiagnostics")
    second = time.perf_counter()
    client.close()
    return (
        (initialized - started) * 1000,
        (first - opened) * 1000,
        (second - changed - DEBOUNCE) * 1000,
    )


def bare(python: str) -> float:
    started = time.perf_counter()
    subprocess.run([python, "-c", "pass"], check=True)
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--losscfg", default=None, help="the losscfg executable (default: -m)")
    arguments = parser.parse_args()
    command = (
        [arguments.losscfg, "server"]
        if arguments.losscfg
        else [sys.executable, "-m", "losscfg", "server"]
    )
    text = config()
    rounds = [one_round(command, text) for _ in range(arguments.rounds)]
    bares = [bare(sys.executable) for _ in range(arguments.rounds)]
    initialize, opened, changed = (
        statistics.median(column) for column in zip(*rounds, strict=True)
    )
    print(f"{len(text.splitlines())}-line config, {arguments.rounds} rounds, medians:")
    print(f"  bare interpreter start             {statistics.median(bares):7.1f} ms")
    print(f"  start to initialize's answer       {initialize:7.1f} ms  (budget 500)")
    print(f"  didOpen to diagnostics             {opened:7.1f} ms")
    print(
        f"  didChange to diagnostics, less the {DEBOUNCE * 1000:.0f} ms debounce "
        f"{changed:7.1f} ms  (budget 50)"
    )


if __name__ == "__main__":
    main()
