"""Run jobs only once Stevedore has their inputs on disk.

1. register a task with Stevedore's workload bridge (its inputs, its jobs, a webhook);
2. per job, a sensor pokes GET /bridge/jobs/{id}/ready: 404 while the job's inputs are on their way, then 200 with
   its input replicas, which ends the wait; 409 (an input lost, missing or stuck) or 410 (cancelled work) fail the
   sensor at once with the service's reasons instead of letting it wait for days;
3. the job itself reads that document, processes its files and reports its end (which releases the pins).

Tokens: sessions last stevedore.auth.token-lifetime (1 h by default) while the sensors may wait 7 days, so no token
is kept in XCom: every task logs in through stevedore_auth.TokenSource (next to this file), which renews the token
before it expires and logs in again on a 401. The password comes from the Variable stevedore_password.

Needs an HTTP connection "stevedore" (host and port of the service, e.g. http://localhost:8080) and the Variables
stevedore_account, stevedore_password and stevedore_webhook_secret.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.hooks.base import BaseHook
from airflow.models import Variable

try:  # Airflow 3
    from airflow.providers.standard.operators.python import PythonOperator
    from airflow.providers.standard.sensors.python import PythonSensor
except ImportError:  # Airflow 2
    from airflow.operators.python import PythonOperator
    from airflow.sensors.python import PythonSensor

from stevedore_auth import TokenSource, poke_ready

CONN = "stevedore"
TASK_ID = "bmn-run8-reco-{{ ds_nodash }}"
INPUTS = ["bmn_run8:run8.raw"]
# Jobs named here, so the sensors know their ids; {"split": {"filesPerJob": N}} instead lets the bridge cut them.
JOBS = {
    f"{TASK_ID}-0001": ["bmn_run8:run8_0001.raw", "bmn_run8:run8_0002.raw"],
    f"{TASK_ID}-0002": ["bmn_run8:run8_0003.raw"],
}

_tokens = {}


def tokens() -> TokenSource:
    """One TokenSource per worker process: it logs in when needed, not once per DAG run."""
    if "source" not in _tokens:
        conn = BaseHook.get_connection(CONN)
        url = conn.host if "://" in (conn.host or "") else f"{conn.schema or 'http'}://{conn.host}"
        if conn.port:
            url = f"{url}:{conn.port}"
        _tokens["source"] = TokenSource(url, Variable.get("stevedore_account"), Variable.get("stevedore_password"))
    return _tokens["source"]


def register_task(task_id: str, jobs: dict):
    status, body, _ = tokens().call("POST", "/bridge/tasks", {
        "taskId": task_id,
        "inputs": INPUTS,
        "rseExpression": "type=DISK",
        "pinLifetime": "P2D",
        "priority": 3,
        "jobs": [{"jobId": job_id, "files": files} for job_id, files in jobs.items()],
        "webhook": {"url": "http://workflow-host:8099/", "secret": Variable.get("stevedore_webhook_secret")},
    })
    if status not in (200, 201):
        raise RuntimeError(f"task registration refused: HTTP {status} {body}")


def job_ready(job_id: str) -> bool:
    """The sensor's poke: a fresh or renewed token each time, however long the wait has been."""
    return poke_ready(tokens(), job_id)


def run_job(job_id: str):
    status, ready, _ = tokens().call("GET", f"/bridge/jobs/{job_id}/ready")
    if status != 200:
        raise RuntimeError(f"job {job_id} is not ready: HTTP {status} {ready}")
    for f in ready["inputs"]:
        print(f"job {job_id} reads {f['scope']}:{f['name']} from {[p for r in f['replicas'] for p in r['pfns']]}")
    # ... the job's real work here ...
    # Report the end, so the inputs' pins are released (outputs may be registered in the same call).
    status, body, _ = tokens().call("POST", f"/bridge/jobs/{job_id}/end", {"state": "done"})
    if status != 200:
        raise RuntimeError(f"end report of {job_id} refused: HTTP {status} {body}")


with DAG(
    dag_id="stevedore_release",
    start_date=datetime(2026, 11, 1),
    schedule=None,
    catchup=False,
    default_args={"retries": 2, "retry_delay": timedelta(minutes=5)},
) as dag:
    register = PythonOperator(task_id="register_task", python_callable=register_task,
                              op_kwargs={"task_id": TASK_ID, "jobs": JOBS})

    for job_id in JOBS:
        wait = PythonSensor(
            task_id=f"wait_{job_id[-4:]}",  # job ids are templated; task ids may not be
            python_callable=job_ready,
            op_kwargs={"job_id": job_id},
            poke_interval=60,
            timeout=int(timedelta(days=7).total_seconds()),
            mode="reschedule",  # frees the worker slot between pokes
        )
        job = PythonOperator(task_id=f"job_{job_id[-4:]}", python_callable=run_job, op_kwargs={"job_id": job_id})
        register >> wait >> job
