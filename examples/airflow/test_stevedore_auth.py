#!/usr/bin/env python3
"""Tests of stevedore_auth's token handling: offline with a fake service, and against a running service when
STEVEDORE_URL, STEVEDORE_ACCOUNT and STEVEDORE_PASSWORD are set (the web module's ExamplesApiTest sets them).

    python3 test_stevedore_auth.py
"""
import email.utils
import io
import os
import sys
import unittest
import urllib.error

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from stevedore_auth import TokenSource, poke_ready  # noqa: E402


class Clock:
    def __init__(self):
        self.now = 1_800_000_000.0

    def __call__(self):
        return self.now


class FakeService:
    """Issues 1-hour tokens; answers 401 to expired or unknown ones, 200 otherwise (or a canned answer per path)."""

    def __init__(self, clock):
        self.clock = clock
        self.tokens = {}
        self.answers = {}

    def __call__(self, request, timeout=None):
        if request.full_url.endswith("/auth/userpass"):
            token = f"token-{len(self.tokens)}"
            self.tokens[token] = self.clock() + 3600
            return Response(200, b"", {"X-Rucio-Auth-Token": token,
                                       "X-Rucio-Auth-Token-Expires": email.utils.formatdate(self.tokens[token],
                                                                                            usegmt=True)})
        token = request.headers.get("X-rucio-auth-token")
        if self.tokens.get(token, 0) <= self.clock():
            raise urllib.error.HTTPError(request.full_url, 401, "Unauthorized", {}, io.BytesIO(b"{}"))
        status, body = self.answers.get(request.full_url.split("//", 1)[1].split("/", 1)[1], (200, b"{}"))
        if status != 200:
            raise urllib.error.HTTPError(request.full_url, status, "", {}, io.BytesIO(body))
        return Response(status, body, {})


class Response:
    def __init__(self, status, body, headers):
        self.status, self.body, self.headers = status, body, headers

    def read(self):
        return self.body

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class OfflineTest(unittest.TestCase):
    def setUp(self):
        self.clock = Clock()
        self.service = FakeService(self.clock)
        self.tokens = TokenSource("http://stevedore", "jdoe", "pw", clock=self.clock, opener=self.service)

    def test_a_token_is_renewed_before_it_expires_however_long_the_wait(self):
        first = self.tokens.get()
        self.assertEqual(self.tokens.get(), first)
        for hours in range(1, 7 * 24):  # a sensor poking every hour for a week
            self.clock.now += 3600
            status, _, _ = self.tokens.call("GET", "/bridge/jobs/j1/ready")
            self.assertEqual(status, 200, f"after {hours} h")
        self.assertGreater(self.tokens.logins, 100)

    def test_a_401_logs_in_again_once(self):
        self.tokens.get()
        self.service.tokens.clear()  # revoked
        status, _, _ = self.tokens.call("GET", "/bridge/tasks")
        self.assertEqual(status, 200)
        self.assertEqual(self.tokens.logins, 2)

    def test_a_poke_waits_on_404_and_fails_fast_on_409_and_410(self):
        self.service.answers["bridge/jobs/j1/ready"] = (404, b'{"ExceptionClass": "JobNotReady"}')
        self.assertFalse(poke_ready(self.tokens, "j1"))
        self.service.answers["bridge/jobs/j1/ready"] = (409, b'{"ExceptionClass": "JobBlocked", '
                                                             b'"ExceptionMessage": "1 LOST"}')
        with self.assertRaisesRegex(RuntimeError, "1 LOST"):
            poke_ready(self.tokens, "j1")
        self.service.answers["bridge/jobs/j1/ready"] = (410, b'{"ExceptionClass": "JobGone"}')
        with self.assertRaises(RuntimeError):
            poke_ready(self.tokens, "j1")
        self.service.answers["bridge/jobs/j1/ready"] = (200, b'{"inputs": []}')
        self.assertTrue(poke_ready(self.tokens, "j1"))


@unittest.skipUnless(os.environ.get("STEVEDORE_URL"), "no running service (STEVEDORE_URL)")
class LiveTest(unittest.TestCase):
    def test_an_expired_or_revoked_token_is_replaced_by_a_new_login(self):
        tokens = TokenSource(os.environ["STEVEDORE_URL"], os.environ["STEVEDORE_ACCOUNT"],
                             os.environ["STEVEDORE_PASSWORD"])
        status, body, _ = tokens.call("GET", "/bridge/tasks")
        self.assertEqual(status, 200, body)
        self.assertEqual(tokens.logins, 1)
        tokens.token = "not-a-token-any-more"  # what a 1-hour token is after a day of waiting
        status, body, _ = tokens.call("GET", "/bridge/tasks")
        self.assertEqual(status, 200, body)
        self.assertEqual(tokens.logins, 2)
        tokens.expires_at = 0  # the announced expiry passed: renewed before the call
        self.assertEqual(tokens.call("GET", "/bridge/tasks")[0], 200)
        self.assertEqual(tokens.logins, 3)


if __name__ == "__main__":
    unittest.main()
