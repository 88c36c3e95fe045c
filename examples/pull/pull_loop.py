#!/usr/bin/env python3
"""A pull loop for PanDA-like workload systems, with the standard library only.

Registers a task with Stevedore's workload bridge, follows its cursor feed with long-polls, runs each released job
(here: reads its input PFNs and writes a small output), reports the job's end with its outputs, and stops once the
task has ended. Safe to restart: the registration is idempotent and the cursor says where the feed was.

    python3 pull_loop.py --url http://localhost:8080 --account root --password-env STEVEDORE_PASSWORD \\
        --task run8-reco --input bmn_run8:run8.raw --rse LOCAL_DISK_B --files-per-job 1 \\
        --output-scope bmn_run8 --output-dataset run8.reco --output-rse LOCAL_DISK_B
"""
import argparse
import os
import sys
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "airflow"))
from stevedore_auth import TokenSource  # noqa: E402  (the same token handling as the Airflow example)


def register(tokens, args):
    status, task, _ = tokens.call("POST", "/bridge/tasks", {
        "taskId": args.task, "inputs": args.input, "rseExpression": args.rse, "pinLifetime": args.pin_lifetime,
        "split": {"filesPerJob": args.files_per_job}})
    if status not in (200, 201):
        sys.exit(f"registration refused: HTTP {status} {task}")
    return task


def run_job(tokens, args, job):
    """Runs one released job: its inputs' PFNs from /ready, then the work, then its end report with outputs."""
    status, ready, _ = tokens.call("GET", f"/bridge/jobs/{job['jobId']}/ready")
    if status != 200:
        # 410: the job or its task was cancelled meanwhile; anything else: report it failed.
        print(f"job {job['jobId']}: not runnable (HTTP {status}: {(ready or {}).get('ExceptionMessage')})", flush=True)
        return status == 410 or end(tokens, job, "failed", None)
    pfns = [p for f in ready["inputs"] for r in f["replicas"] for p in r["pfns"]]
    # ... the job's real work reads pfns and writes its outputs here ...
    content = f"output of {job['jobId']} from {len(pfns)} input(s)\n".encode()
    output = {"name": f"{job['jobId']}.out", "bytes": len(content),
              "adler32": "%08x" % (zlib.adler32(content) & 0xFFFFFFFF), "rse": args.output_rse}
    outputs = {"scope": args.output_scope, "dataset": args.output_dataset, "files": [output]}
    return end(tokens, job, "done", outputs)


def end(tokens, job, state, outputs):
    body = {"state": state} if outputs is None else {"state": state, "outputs": outputs}
    status, answer, _ = tokens.call("POST", f"/bridge/jobs/{job['jobId']}/end", body)
    if status != 200:
        print(f"job {job['jobId']}: end report refused: HTTP {status} {answer}", flush=True)
        return False
    print(f"job {job['jobId']}: {state}; task {answer['taskState']}", flush=True)
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--account", required=True)
    parser.add_argument("--password-env", default="STEVEDORE_PASSWORD", help="environment variable with the password")
    parser.add_argument("--task", required=True)
    parser.add_argument("--input", action="append", required=True, help="scope:name, repeatable")
    parser.add_argument("--rse", required=True, help="RSE expression the jobs read from")
    parser.add_argument("--files-per-job", type=int, default=1)
    parser.add_argument("--pin-lifetime", default="P1D")
    parser.add_argument("--output-scope", required=True)
    parser.add_argument("--output-dataset", required=True)
    parser.add_argument("--output-rse", required=True)
    parser.add_argument("--wait", default="30s", help="long-poll time per feed call")
    args = parser.parse_args()
    tokens = TokenSource(args.url, args.account, os.environ[args.password_env])

    register(tokens, args)
    cursor = "0"
    failures = 0
    while True:
        status, page, _ = tokens.call("GET", f"/bridge/tasks/{args.task}/jobs?after={cursor}&wait={args.wait}",
                                      timeout=120)
        if status != 200:
            sys.exit(f"feed failed: HTTP {status} {page}")
        for job in page["jobs"]:
            if not run_job(tokens, args, job):
                failures += 1
        cursor = page["cursor"]
        status, task, _ = tokens.call("GET", f"/bridge/tasks/{args.task}")
        if task["state"] != "ACTIVE":
            print(f"task {args.task} {task['state']}: {task['jobCounts']}", flush=True)
            return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
