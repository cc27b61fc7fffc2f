"""An Airflow `on_failure_callback` that explains a failed Zoho DataPrep run
and posts the explanation to a chat webhook (Slack, Teams, Mattermost…).

    from airflow_callback import on_failure_callback
    PythonOperator(..., on_failure_callback=on_failure_callback,
                   params={"job_summary": "/data/dataprep/last_run.json",
                           "webhook_url": "https://hooks.slack.com/services/…"})

The task that ran the pipeline saved its Job Summary API response (any
form `dataprep_lineage.load` reads: a path, bytes, gzip); the callback reads
the run's summary and posts it as Markdown. Nothing here needs Airflow
itself: the callback takes the context dict Airflow passes.
"""

import json
import urllib.request

import dataprep_lineage as dl


def explain(job_summary) -> dict:
    """The message for a run: a one-line verdict and the Markdown `why`."""
    run = dl.load(job_summary)
    summary = run.summary()
    causes = summary["root_causes"]
    if causes:
        first = causes[0]
        line = f"{summary['run']['pipeline_name'] or 'Pipeline'}: {first['name'] or first['id']} failed"
        if first.get("headline"):
            line += f": {first['headline']}"
    else:
        line = f"{summary['run']['pipeline_name'] or 'Pipeline'}: {summary['run']['status']}, no stage failed on its own"
    return {"text": line, "markdown": run.markdown("why")}


def on_failure_callback(context) -> None:
    """Reads `params["job_summary"]`, posts the explanation to `params["webhook_url"]`."""
    params = context.get("params") or {}
    try:
        message = explain(params["job_summary"])
    except dl.InputError as e:
        # The response itself was bad (an API error, a cut-off file): say so.
        message = {"text": f"Could not explain the run: {e}", "markdown": ""}
    ti = context.get("task_instance")
    if ti is not None:
        message["text"] = f"[{getattr(ti, 'dag_id', '?')}.{getattr(ti, 'task_id', '?')}] " + message["text"]
    request = urllib.request.Request(
        params["webhook_url"],
        data=json.dumps(message).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()
