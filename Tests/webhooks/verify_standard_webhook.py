#!/usr/bin/env python3
"""Receives ONE webhook POST and verifies it with the Standard Webhooks reference library.

    verify_standard_webhook.py [--port PORT] [--secret-env NAME] [--timeout SECONDS]

Listens on 127.0.0.1:PORT (0, the default, picks a free port) and prints
`listening 127.0.0.1:<port>` once it does. The one POST it receives is judged by
`standardwebhooks.webhooks.Webhook(secret).verify(body, headers)`, the spec's own Python
library: it prints `verified <webhook-id>` and answers 204, exiting 0, or prints
`rejected: <reason>` and answers 401, exiting 1. No request within the timeout is a
rejection too.

The secret (`whsec_...`) is read from the environment variable named by --secret-env
(WEBHOOK_SECRET by default), so it is never on a command line; it is never printed.

The tests run it with a Python that has `standardwebhooks==1.1.0` (scripts/test installs one
and exports its path as GANTRY_TEST_STANDARDWEBHOOKS_PYTHON).
"""

import argparse
import http.server
import os
import sys

from standardwebhooks.webhooks import Webhook


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="the port to listen on (0: any free one)")
    parser.add_argument("--secret-env", default="WEBHOOK_SECRET", help="the variable holding the whsec_ secret")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for the one request")
    args = parser.parse_args()

    secret = os.environ.get(args.secret_env, "")
    if not secret:
        print(f"rejected: {args.secret_env} is not set", flush=True)
        return 1
    try:
        webhook = Webhook(secret)
    except Exception as error:  # the library's own words, which never quote the secret
        print(f"rejected: {args.secret_env} is not a Standard Webhooks secret ({type(error).__name__})", flush=True)
        return 1

    verdict = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            headers = dict(self.headers.items())
            try:
                webhook.verify(body, headers)
                verdict["line"] = f"verified {self.headers.get('webhook-id', '')}"
                verdict["ok"] = True
                status = 204
            except Exception as error:  # WebhookVerificationError, or a malformed header
                verdict["line"] = f"rejected: {type(error).__name__}: {error}"
                verdict["ok"] = False
                status = 401
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

    Handler.timeout = args.timeout  # a connection that never sends its request ends too
    server = http.server.HTTPServer(("127.0.0.1", args.port), Handler)
    server.timeout = args.timeout
    print(f"listening 127.0.0.1:{server.server_address[1]}", flush=True)
    try:
        server.handle_request()
    finally:
        server.server_close()
    if "line" not in verdict:
        print(f"rejected: no POST within {args.timeout:g} s", flush=True)
        return 1
    print(verdict["line"], flush=True)
    return 0 if verdict["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
