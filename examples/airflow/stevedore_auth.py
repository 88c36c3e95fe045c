"""Tokens for long-running Stevedore clients (standard library only; no Airflow needed, so it can be tested alone).

A Stevedore session lasts stevedore.auth.token-lifetime (1 h by default) while a DAG's sensors may wait for days. A
TokenSource logs in when it has no token, renews it shortly before the expiry the service announced
(X-Rucio-Auth-Token-Expires), and logs in again once more when the service answers 401 (token revoked, or clocks
apart). Keep the password in an Airflow Variable or Connection, never the token in XCom.
"""
import email.utils
import json
import time
import urllib.error
import urllib.request

RENEW_BEFORE_SECONDS = 300  # renew this long before the announced expiry


class TokenSource:
    def __init__(self, base_url, account, password, clock=time.time, opener=urllib.request.urlopen):
        self.base_url = base_url.rstrip("/")
        self.account = account
        self.password = password
        self.clock = clock
        self.opener = opener
        self.token = None
        self.expires_at = 0.0
        self.logins = 0

    def _login(self):
        request = urllib.request.Request(self.base_url + "/auth/userpass", headers={
            "X-Rucio-Username": self.account, "X-Rucio-Password": self.password})
        with self.opener(request) as response:
            self.token = response.headers["X-Rucio-Auth-Token"]
            expires = response.headers.get("X-Rucio-Auth-Token-Expires")
            self.expires_at = (email.utils.parsedate_to_datetime(expires).timestamp() if expires
                               else self.clock() + 3600)
        self.logins += 1

    def get(self):
        """A token valid for a while yet: the cached one, or a new one."""
        if self.token is None or self.clock() >= self.expires_at - RENEW_BEFORE_SECONDS:
            self._login()
        return self.token

    def invalidate(self):
        self.token = None

    def call(self, method, path, body=None, timeout=60):
        """(status, parsed JSON body or None, headers): one HTTP call with a token, once more after a 401."""
        for attempt in (1, 2):
            data = None if body is None else json.dumps(body).encode()
            headers = {"X-Rucio-Auth-Token": self.get()}
            if data is not None:
                headers["Content-Type"] = "application/json"
            request = urllib.request.Request(self.base_url + path, data=data, method=method, headers=headers)
            try:
                with self.opener(request, timeout=timeout) as response:
                    return response.status, _json(response.read()), response.headers
            except urllib.error.HTTPError as e:
                if e.code == 401 and attempt == 1:
                    self.invalidate()  # expired or revoked: log in again, once
                    continue
                return e.code, _json(e.read()), e.headers
        raise AssertionError("unreachable")


def _json(raw):
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None


def poke_ready(tokens, job_id):
    """One poke of a job's readiness, as a sensor does: True once released (200); False while its inputs are on their
    way (404); raises on 409 (an input is lost, missing or stuck: waiting will not help), 410 (cancelled or failed
    work) and anything else, with the service's reasons."""
    status, body, _ = tokens.call("GET", f"/bridge/jobs/{job_id}/ready")
    if status == 200:
        return True
    if status == 404 and body and body.get("ExceptionClass") == "JobNotReady":
        return False
    reason = (body or {}).get("ExceptionMessage", f"HTTP {status}")
    raise RuntimeError(f"job {job_id} will not become ready: {reason} ({(body or {}).get('waitingFor')})")
