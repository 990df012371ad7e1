#!/bin/sh
# Demo deploy: install release $1 into site/releases/$1, switch site/current to it, and
# restart a small HTTP server (python3 -m http.server) that serves it on 127.0.0.1.
# A release whose name contains "broken" fails half-way, as real deploys sometimes do; one
# whose name contains "unhealthy" deploys fine but serves no version.txt, so its health
# check fails. Either way gantry rolls back to the last good release.
set -eu
release="$1"
port="${DEMO_PORT:-8765}"
root="$(pwd)/site"
mkdir -p "$root/releases/$release"

echo "deploying $release to ${GANTRY_ENVIRONMENT:-demo} (deployment ${GANTRY_DEPLOYMENT_ID:-none})"
echo "authenticating with token ${DEMO_TOKEN:-unset}"
printf '%s\n' "$release" > "$root/releases/$release/version.txt"
printf '<!doctype html><title>demo</title><h1>demo runs %s</h1>\n' "$release" > "$root/releases/$release/index.html"

case "$release" in
  *broken*) echo "error: migration 42 failed on $release" >&2; exit 3 ;;
esac

case "$release" in
  *unhealthy*) rm -f "$root/releases/$release/version.txt" ;;
esac

ln -sfn "releases/$release" "$root/current.new" && mv -T "$root/current.new" "$root/current"

if [ -f "$root/server.pid" ] && kill -0 "$(cat "$root/server.pid")" 2>/dev/null; then
  echo "stopping the previous server (pid $(cat "$root/server.pid"))"
  kill "$(cat "$root/server.pid")" 2>/dev/null || true
  sleep 0.2
fi
# setsid and redirected output: the server outlives this script and does not hold its pipes.
setsid python3 -m http.server --bind 127.0.0.1 --directory "$root/current" "$port" \
  > "$root/server.log" 2>&1 < /dev/null &
echo $! > "$root/server.pid"

for _ in $(seq 1 50); do
  if python3 - "$port" <<'PY' 2>/dev/null
import sys, urllib.request
urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/", timeout=1).read()
PY
  then
    echo "http://127.0.0.1:$port/ now serves $release"
    exit 0
  fi
  sleep 0.1
done
echo "error: the server did not come up with $release" >&2
exit 1
