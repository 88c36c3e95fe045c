#!/usr/bin/env python3
"""A minimal consumer of Stevedore's bridge webhooks (standard library only).

Checks each delivery's signature and timestamp, processes it once per idempotency key, and answers 2xx so that
Stevedore stops retrying. Stevedore delivers at least once: the same key can arrive again (after a timeout, a
lost answer, a restart), and the consumer must not act twice.

    WEBHOOK_SECRET=s3cret python3 webhook_consumer.py --port 8099 --db deliveries.sqlite   # listens on 127.0.0.1
    WEBHOOK_SECRET=s3cret python3 webhook_consumer.py --host 0.0.0.0 --port 8099            # reachable from others

Signature scheme: X-Stevedore-Signature is "sha256=" + hex(HMAC-SHA256(secret, f"{timestamp}.{body}")), where
timestamp is the X-Stevedore-Timestamp header (Unix seconds of this attempt) and body the raw request bytes.
"""
import argparse
import hashlib
import hmac
import json
import os
import sqlite3
import sys
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

MAX_SKEW_SECONDS = 300  # refuse replays of requests older (or newer) than this


def signature(secret: bytes, timestamp: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def handle_release(event: dict) -> None:
    """Your reaction to released jobs: trigger a DAG run, queue work, ... Here: print them."""
    print(f"task {event['taskId']}: jobs released {event['jobIds']} "
          f"(cursor {event['fromSeq']}..{event['toSeq']}, at {event['releasedAt']})", flush=True)


class Handler(BaseHTTPRequestHandler):
    secret: bytes = b""
    db_path: str = ""

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        timestamp = self.headers.get("X-Stevedore-Timestamp", "")
        key = self.headers.get("Idempotency-Key", "")
        expected = signature(self.secret, timestamp, body)
        if not hmac.compare_digest(expected, self.headers.get("X-Stevedore-Signature", "")):
            return self.answer(401, "bad signature")
        if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > MAX_SKEW_SECONDS:
            return self.answer(401, "stale or missing timestamp")
        try:
            event = json.loads(body)
        except ValueError:
            return self.answer(400, "body is not JSON")
        if not key or event.get("idempotencyKey") != key:
            return self.answer(400, "missing or inconsistent idempotency key")
        # One transaction: the key is recorded only if handling succeeded, so a failure here makes Stevedore
        # retry (we answer 500) and a success is never handled twice.
        with sqlite3.connect(self.db_path) as db:
            db.execute("CREATE TABLE IF NOT EXISTS seen (key TEXT PRIMARY KEY, at REAL)")
            if db.execute("SELECT 1 FROM seen WHERE key = ?", (key,)).fetchone():
                return self.answer(200, "duplicate, already processed")
            try:
                handle_release(event)
            except Exception as e:  # noqa: BLE001 - any failure means "try again later"
                return self.answer(500, f"processing failed: {e}")
            db.execute("INSERT INTO seen VALUES (?, ?)", (key, time.time()))
        return self.answer(204, "")

    def answer(self, status: int, text: str):
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # Loopback unless told otherwise: exposing the consumer to the network is a decision, not a default.
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)")
    parser.add_argument("--port", type=int, default=8099)
    parser.add_argument("--db", default="deliveries.sqlite", help="where processed idempotency keys are kept")
    args = parser.parse_args()
    secret = os.environ.get("WEBHOOK_SECRET")
    if not secret:
        sys.exit("set WEBHOOK_SECRET to the secret given at task registration")
    Handler.secret, Handler.db_path = secret.encode(), args.db
    # One request at a time: the check-handle-record sequence below must not interleave for the same key.
    HTTPServer((args.host, args.port), Handler).serve_forever()


if __name__ == "__main__":
    main()
