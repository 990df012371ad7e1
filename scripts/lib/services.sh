# Starts the services the tests probe, on free loopback ports under one temp dir, and
# exports GANTRY_TEST_* variables describing them. stop_services undoes everything.
# Under CI=true a service that cannot start is fatal; elsewhere it is reported and the
# tests that need it are skipped.

SERVICES_DIR=""
SERVICE_FAILURES=()

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

service_failed() {
  echo "!!! $1" >&2
  SERVICE_FAILURES+=("$1")
}

wait_for_port() {
  local port=$1
  for _ in $(seq 1 100); do
    python3 -c "import socket,sys; s=socket.socket(); s.settimeout(0.2); sys.exit(s.connect_ex(('127.0.0.1', $port)))" && return 0
    sleep 0.1
  done
  return 1
}

start_postgres() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -x "$bin/initdb" ] || { service_failed "PostgreSQL: initdb not found (package postgresql)"; return; }
  local dir="$SERVICES_DIR/postgres" port
  port=$(free_port)
  mkdir -p "$dir"
  local as_postgres=()
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres "$dir"
    as_postgres=(runuser -u postgres --)
  fi
  echo "superpw" > "$dir/pwfile"
  [ "$(id -u)" -eq 0 ] && chown postgres "$dir/pwfile"
  "${as_postgres[@]}" "$bin/initdb" -D "$dir/data" -U postgres -A scram-sha-256 --pwfile="$dir/pwfile" >"$dir/initdb.log" 2>&1 \
    || { service_failed "PostgreSQL: initdb failed (see $dir/initdb.log)"; return; }
  "${as_postgres[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null \
    || { service_failed "PostgreSQL: did not start (see $dir/server.log)"; return; }
  PGPASSWORD=superpw psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -q -v ON_ERROR_STOP=1 \
    -c "CREATE ROLE health LOGIN PASSWORD 'health-pw'" -c "CREATE DATABASE app OWNER health" \
    -c "CREATE ROLE gantry LOGIN CREATEDB PASSWORD 'gantry-pw'" -c "CREATE DATABASE gantry OWNER gantry" >/dev/null \
    || { service_failed "PostgreSQL: could not create the test roles"; return; }
  PG_STOP=("${as_postgres[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop)
  # For the test that restarts the server in the middle of a deployment.
  printf '#!/bin/sh\nexec %s %s -D %s -m fast stop\n' "${as_postgres[*]}" "$bin/pg_ctl" "$dir/data" > "$dir/stop.sh"
  printf '#!/bin/sh\nexec %s %s -D %s -l %s -w -o "-p %s -k %s -c listen_addresses=127.0.0.1 -c fsync=off" start\n' \
    "${as_postgres[*]}" "$bin/pg_ctl" "$dir/data" "$dir/server.log" "$port" "$dir" > "$dir/start.sh"
  chmod +x "$dir/stop.sh" "$dir/start.sh"
  export GANTRY_TEST_POSTGRES_URL="postgres://health:health-pw@127.0.0.1:$port/app"
  # The state store's tests: a role that may create a fresh database per test.
  export GANTRY_TEST_STATE_POSTGRES_URL="postgres://gantry:gantry-pw@127.0.0.1:$port/gantry?sslmode=disable"
  export GANTRY_TEST_POSTGRES_STOP="$dir/stop.sh" GANTRY_TEST_POSTGRES_START="$dir/start.sh"
  echo "    postgres on 127.0.0.1:$port"
}

start_redis() {
  command -v redis-server >/dev/null || { service_failed "Redis: redis-server not found (package redis-server)"; return; }
  local dir="$SERVICES_DIR/redis" port
  port=$(free_port)
  mkdir -p "$dir"
  redis-server --port "$port" --bind 127.0.0.1 --requirepass redis-pw --daemonize yes --pidfile "$dir/redis.pid" \
    --dir "$dir" --logfile "$dir/redis.log" --save "" --appendonly no \
    || { service_failed "Redis: did not start"; return; }
  wait_for_port "$port" || { service_failed "Redis: not listening on $port (see $dir/redis.log)"; return; }
  export GANTRY_TEST_REDIS_URL="redis://:redis-pw@127.0.0.1:$port"
  echo "    redis on 127.0.0.1:$port"
}

make_certificates() {
  local dir=$1
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Gantry Test CA" \
    -keyout "$dir/ca.key" -out "$dir/ca.crt" >/dev/null 2>&1 || return 1
  openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$dir/server.key" -out "$dir/server.csr" >/dev/null 2>&1 || return 1
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' > "$dir/san.ext"
  openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial -days 2 \
    -extfile "$dir/san.ext" -out "$dir/server.crt" >/dev/null 2>&1 || return 1
}

start_nginx() {
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || { service_failed "nginx: not found (package nginx)"; return; }
  local nginx_bin
  nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
  local dir="$SERVICES_DIR/nginx" http_port tls_port
  http_port=$(free_port)
  tls_port=$(free_port)
  mkdir -p "$dir/tmp"
  make_certificates "$dir" || { service_failed "nginx: could not make test certificates with openssl"; return; }
  cat > "$dir/nginx.conf" <<CONF
worker_processes 1;
daemon on;
pid $dir/nginx.pid;
error_log $dir/error.log;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
  server {
    listen 127.0.0.1:$http_port;
    location = /health { default_type application/json; return 200 '{"status":"UP","components":{"db":{"status":"UP"}}}'; }
    location = /down { default_type text/plain; return 503 'Service Unavailable: maintenance window'; }
    location = /moved { return 302 /health; }
    location = /private { if (\$http_authorization != "Bearer token-123") { return 401; } return 200 'secret area'; }
    location = /nginx_status { stub_status; }
  }
  server {
    listen 127.0.0.1:$tls_port ssl;
    ssl_certificate $dir/server.crt;
    ssl_certificate_key $dir/server.key;
    location = /health { default_type text/plain; return 200 'secure ok'; }
  }
}
CONF
  "$nginx_bin" -c "$dir/nginx.conf" -p "$dir" 2>"$dir/start.log" || { service_failed "nginx: did not start ($(cat "$dir/start.log"))"; return; }
  wait_for_port "$http_port" || { service_failed "nginx: not listening on $http_port"; return; }
  export GANTRY_TEST_NGINX_URL="http://127.0.0.1:$http_port"
  export GANTRY_TEST_TLS_URL="https://127.0.0.1:$tls_port"
  export GANTRY_TEST_CA_FILE="$dir/ca.crt"
  echo "    nginx on 127.0.0.1:$http_port (TLS on $tls_port)"
}

start_prometheus() {
  command -v prometheus >/dev/null || { service_failed "Prometheus: not found (package prometheus)"; return; }
  local dir="$SERVICES_DIR/prometheus" port
  port=$(free_port)
  mkdir -p "$dir/data" "$dir/targets" "$dir/gantry-targets"
  # The runners job reads its targets from files the tests write (file_sd): a test starts
  # stand-in runner exporters, lists them there, and stops one to see failover.
  cat > "$dir/prometheus.yml" <<CONF
global: { scrape_interval: 1s, evaluation_interval: 1s, scrape_timeout: 500ms }
scrape_configs:
  - job_name: prometheus
    static_configs: [ { targets: ["127.0.0.1:$port"] } ]
  - job_name: runners
    file_sd_configs: [ { files: ["$dir/targets/*.json"], refresh_interval: 1s } ]
  - job_name: gantry
    file_sd_configs: [ { files: ["$dir/gantry-targets/*.json"], refresh_interval: 1s } ]
CONF
  prometheus --config.file="$dir/prometheus.yml" --web.listen-address="127.0.0.1:$port" \
    --storage.tsdb.path="$dir/data" >"$dir/prometheus.log" 2>&1 &
  echo $! > "$dir/prometheus.pid"
  wait_for_port "$port" || { service_failed "Prometheus: not listening on $port (see $dir/prometheus.log)"; return; }
  # Wait for the first self-scrape, so `up` has a sample when the tests query it.
  for _ in $(seq 1 100); do
    curl -s "http://127.0.0.1:$port/api/v1/query?query=up" | grep -q '"value"' && break
    sleep 0.1
  done
  export GANTRY_TEST_PROMETHEUS_URL="http://127.0.0.1:$port"
  export GANTRY_TEST_PROMETHEUS_TARGETS="$dir/targets"
  export GANTRY_TEST_PROMETHEUS_GANTRY_TARGETS="$dir/gantry-targets"
  echo "    prometheus on 127.0.0.1:$port"
}

start_alertmanager() {
  local binary
  binary=$(command -v prometheus-alertmanager || command -v alertmanager) || { service_failed "Alertmanager: not found (package prometheus-alertmanager)"; return; }
  local dir="$SERVICES_DIR/alertmanager" port
  port=$(free_port)
  mkdir -p "$dir/data"
  cat > "$dir/alertmanager.yml" <<CONF
route: { receiver: "null", group_wait: 0s, group_interval: 1s, repeat_interval: 1h }
receivers: [ { name: "null" } ]
CONF
  # No cluster: a single test instance on loopback only.
  "$binary" --config.file="$dir/alertmanager.yml" --storage.path="$dir/data" \
    --web.listen-address="127.0.0.1:$port" --cluster.listen-address="" >"$dir/alertmanager.log" 2>&1 &
  echo $! > "$dir/alertmanager.pid"
  wait_for_port "$port" || { service_failed "Alertmanager: not listening on $port (see $dir/alertmanager.log)"; return; }
  export GANTRY_TEST_ALERTMANAGER_URL="http://127.0.0.1:$port"
  echo "    alertmanager on 127.0.0.1:$port"
}

start_services() {
  SERVICES_DIR=$(mktemp -d /tmp/gantry-services.XXXXXX)
  chmod 755 "$SERVICES_DIR"
  echo "==> starting test services under $SERVICES_DIR"
  start_postgres
  start_redis
  start_nginx
  start_prometheus
  start_alertmanager
  if [ ${#SERVICE_FAILURES[@]} -gt 0 ] && [ "${CI:-}" = "true" ]; then
    echo "!!! CI=true and ${#SERVICE_FAILURES[@]} service(s) could not start: failing the run" >&2
    return 1
  fi
  return 0
}

stop_services() {
  [ -n "$SERVICES_DIR" ] || return 0
  [ ${#PG_STOP[@]} -gt 0 ] 2>/dev/null && "${PG_STOP[@]}" >/dev/null 2>&1
  [ -f "$SERVICES_DIR/redis/redis.pid" ] && kill "$(cat "$SERVICES_DIR/redis/redis.pid")" 2>/dev/null
  [ -f "$SERVICES_DIR/nginx/nginx.pid" ] && kill "$(cat "$SERVICES_DIR/nginx/nginx.pid")" 2>/dev/null
  [ -f "$SERVICES_DIR/prometheus/prometheus.pid" ] && kill "$(cat "$SERVICES_DIR/prometheus/prometheus.pid")" 2>/dev/null
  [ -f "$SERVICES_DIR/alertmanager/alertmanager.pid" ] && kill "$(cat "$SERVICES_DIR/alertmanager/alertmanager.pid")" 2>/dev/null
  sleep 0.2
  rm -rf "$SERVICES_DIR"
  SERVICES_DIR=""
}
