"""Run jobs only once Stevedore has their inputs on disk.

1. log in (userpass) and keep the token for the other tasks;
2. register a task with Stevedore's workload bridge (its inputs, how to split them into jobs, a webhook);
3. per job, the stock HttpSensor polls GET /bridge/jobs/{id}/ready: 404 until the job is released (every input
   file AVAILABLE on a disk RSE), then 200 with the job's input replicas, which ends the wait;
4. the job itself reads that document, processes its files and reports its end (which releases the pins).

Needs apache-airflow-providers-http, an HTTP connection "stevedore" (host and port of the service, e.g.
http://localhost:8080) and the Variables stevedore_account, stevedore_password and stevedore_webhook_secret.
Sessions last stevedore.auth.token-lifetime (1h by default): raise it for tasks whose staging takes longer.
"""
import json
from datetime import datetime, timedelta

from airflow import DAG
from airflow.providers.http.hooks.http import HttpHook
from airflow.providers.http.operators.http import HttpOperator
from airflow.providers.http.sensors.http import HttpSensor

try:  # Airflow 3
    from airflow.providers.standard.operators.python import PythonOperator
except ImportError:  # Airflow 2
    from airflow.operators.python import PythonOperator

CONN = "stevedore"
TASK_ID = "bmn-run8-reco-{{ ds_nodash }}"
INPUTS = ["bmn_run8:run8.raw"]
# Jobs named here, so the sensors know their ids; {"split": {"filesPerJob": N}} instead lets the bridge cut them.
JOBS = {
    f"{TASK_ID}-0001": ["bmn_run8:run8_0001.raw", "bmn_run8:run8_0002.raw"],
    f"{TASK_ID}-0002": ["bmn_run8:run8_0003.raw"],
}
TOKEN = "{{ ti.xcom_pull(task_ids='login') }}"
AUTH = {"X-Rucio-Auth-Token": TOKEN}


def run_job(job_id: str, **context):
    token = context["ti"].xcom_pull(task_ids="login")
    hook = HttpHook(method="GET", http_conn_id=CONN)
    ready = hook.run(f"/bridge/jobs/{job_id}/ready", headers={"X-Rucio-Auth-Token": token}).json()
    for f in ready["inputs"]:
        print(f"job {job_id} reads {f['scope']}:{f['name']} from {[p for r in f['replicas'] for p in r['pfns']]}")
    # ... the job's real work here ...
    # Report the end, so the inputs' pins are released (outputs may be registered in the same call).
    HttpHook(method="POST", http_conn_id=CONN).run(
        f"/bridge/jobs/{job_id}/end", data=json.dumps({"state": "done"}),
        headers={"X-Rucio-Auth-Token": token, "Content-Type": "application/json"})


with DAG(
    dag_id="stevedore_release",
    start_date=datetime(2026, 11, 1),
    schedule=None,
    catchup=False,
    default_args={"retries": 2, "retry_delay": timedelta(minutes=5)},
) as dag:
    # The token lands in XCom; keep this DAG's XComs private, or use a short token lifetime.
    login = HttpOperator(
        task_id="login",
        http_conn_id=CONN,
        method="GET",
        endpoint="/auth/userpass",
        headers={"X-Rucio-Username": "{{ var.value.stevedore_account }}",
                 "X-Rucio-Password": "{{ var.value.stevedore_password }}"},
        response_filter=lambda response: response.headers["X-Rucio-Auth-Token"],
    )

    register = HttpOperator(
        task_id="register_task",
        http_conn_id=CONN,
        method="POST",
        endpoint="/bridge/tasks",
        headers={**AUTH, "Content-Type": "application/json"},
        data=json.dumps({
            "taskId": TASK_ID,
            "inputs": INPUTS,
            "rseExpression": "type=DISK",
            "pinLifetime": "P2D",
            "priority": 3,
            "jobs": [{"jobId": job_id, "files": files} for job_id, files in JOBS.items()],
            "webhook": {"url": "http://workflow-host:8099/", "secret": "{{ var.value.stevedore_webhook_secret }}"},
        }),
    )

    for job_id in JOBS:
        wait = HttpSensor(
            task_id=f"wait_{job_id[-4:]}",  # job ids are templated; task ids may not be
            http_conn_id=CONN,
            endpoint=f"/bridge/jobs/{job_id}/ready",
            headers=AUTH,
            poke_interval=60,
            timeout=int(timedelta(days=7).total_seconds()),
            mode="reschedule",  # frees the worker slot between pokes
        )
        job = PythonOperator(task_id=f"job_{job_id[-4:]}", python_callable=run_job, op_kwargs={"job_id": job_id})
        login >> register >> wait >> job
