"""examples/airflow_callback.py posts the run's explanation to a webhook:
tested with a fake Airflow context and a local HTTP server."""

import http.server
import importlib.util
import json
import threading
from types import SimpleNamespace

from conftest import FIXTURES, ROOT


def load_example():
    spec = importlib.util.spec_from_file_location("airflow_callback", ROOT / "examples" / "airflow_callback.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def serve():
    received = []

    class Hook(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append(json.loads(body))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, received


def test_the_callback_posts_the_explanation():
    example = load_example()
    server, received = serve()
    try:
        url = f"http://127.0.0.1:{server.server_port}/hook"
        context = {
            "task_instance": SimpleNamespace(dag_id="daily_sales", task_id="run_pipeline"),
            "params": {"job_summary": str(FIXTURES / "failed_transform_blocks_exports.json"), "webhook_url": url},
        }
        example.on_failure_callback(context)
        assert len(received) == 1
        msg = received[0]
        assert msg["text"].startswith("[daily_sales.run_pipeline] Daily sales sync: Join contacts with orders failed")
        assert "Join contacts with orders" in msg["markdown"]
        # A response that is an API error is said, not raised.
        context["params"]["job_summary"] = b'{"status": "failure", "messages": [{"message": "Invalid OAuth token"}]}'
        example.on_failure_callback(context)
        assert "Could not explain the run" in received[1]["text"]
        assert "Invalid OAuth token" in received[1]["text"]
    finally:
        server.shutdown()
