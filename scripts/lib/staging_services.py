"""What runs on the staging hosts, started from Debian's packages: sshd, nginx and
node_exporter on the web hosts, PostgreSQL and Redis on `db`, Prometheus on `monitor`, and
`gantry serve` on the runners. Credentials are random per run."""

import glob
import os
import secrets
import shutil
import subprocess
import time

from staging_fleet import NET, RUNNERS, WEB, Fleet, FleetError, address, run


def random_secret(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(12)}"


class Services:
    """Starts and stops what runs on the hosts, and holds this run's credentials."""

    # The pg_ctl command line of db's cluster, known once start_db has made it.
    pg_ctl: list[str]

    def __init__(self, fleet: Fleet, gantry: str, ansible_bin: str) -> None:
        self.fleet: Fleet = fleet
        self.gantry: str = gantry
        self.ansible_bin: str = ansible_bin
        self.dir: str = fleet.directory
        self.ssh_dir: str = os.path.join(self.dir, "ssh")
        self.project: str = os.path.join(self.dir, "project")
        self.artifacts: str = os.path.join(self.dir, "artifacts")
        self.passwords: dict[str, str] = {
            "GANTRY_DB_PASSWORD": random_secret("gantry-db"),
            "HEALTH_DB_PASSWORD": random_secret("health-db"),
            "ANSIBLE_VAULT_PASSWORD": random_secret("vault"),
        }
        self.app_api_key: str = random_secret("api-key")
        self.pg_bin: str | None = None
        self.serves: dict[str, subprocess.Popen[bytes]] = {}

    # -- web hosts -----------------------------------------------------------------------

    def make_keys(self) -> None:
        os.makedirs(self.ssh_dir, mode=0o700, exist_ok=True)
        run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "staging-deploy", "-f", os.path.join(self.ssh_dir, "id_ed25519")])
        shutil.copy(os.path.join(self.ssh_dir, "id_ed25519.pub"), os.path.join(self.ssh_dir, "authorized_keys"))
        known = []
        # runner-1 takes SSH too: the gantry_runner role is installed on it over SSH.
        for host in WEB + ["runner-1"]:
            key = self.fleet.host_dir(host, "ssh_host_ed25519_key")
            run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", host, "-f", key])
            with open(key + ".pub") as file:
                kind, body = file.read().split()[:2]
            known.append(f"{address(host)} {kind} {body}\n")
        with open(os.path.join(self.ssh_dir, "known_hosts"), "w") as file:
            file.writelines(known)

    def start_sshd(self, host: str) -> None:
        config = self.fleet.host_dir(host, "sshd_config")
        with open(config, "w") as file:
            file.write(f"""Port 22
ListenAddress {address(host)}
HostKey {self.fleet.host_dir(host, "ssh_host_ed25519_key")}
PidFile /srv/sshd.pid
AuthorizedKeysFile {os.path.join(self.ssh_dir, "authorized_keys")}
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
MaxStartups 100
Subsystem sftp /usr/lib/openssh/sftp-server
""")
        os.makedirs("/run/sshd", mode=0o755, exist_ok=True)
        self.fleet.spawn(host, "sshd", ["/usr/sbin/sshd", "-D", "-e", "-f", config])
        self.fleet.wait_for_port(host, host, 22)

    def start_web(self, host: str) -> None:
        srv = self.fleet.host_dir(host, "srv")
        for part in ["app/releases", "nginx/tmp", "log"]:
            os.makedirs(os.path.join(srv, part), exist_ok=True)
        with open(os.path.join(srv, "nginx", "nginx.conf"), "w") as file:
            file.write(f"""user root;
worker_processes 1;
pid /srv/nginx/nginx.pid;
error_log /srv/log/nginx-error.log;
events {{ worker_connections 128; }}
http {{
  access_log /srv/log/access.log;
  client_body_temp_path /srv/nginx/tmp/body;
  proxy_temp_path /srv/nginx/tmp/proxy;
  fastcgi_temp_path /srv/nginx/tmp/fastcgi;
  uwsgi_temp_path /srv/nginx/tmp/uwsgi;
  scgi_temp_path /srv/nginx/tmp/scgi;
  server {{
    listen {address(host)}:80;
    root /srv/app/current/public;
    location = /health {{ default_type application/json; try_files /health.json =503; }}
    location = /nginx_status {{ stub_status; }}
  }}
}}
""")
        self.fleet.on(host, ["nginx", "-c", "/srv/nginx/nginx.conf"])
        self.fleet.spawn(host, "node-exporter", ["prometheus-node-exporter", f"--web.listen-address={address(host)}:9100",
                                                 "--collector.disable-defaults", "--collector.loadavg", "--collector.time"])
        self.start_sshd(host)
        self.fleet.wait_for_port(host, host, 80)
        self.fleet.wait_for_port(host, host, 9100)

    # -- db ------------------------------------------------------------------------------

    def start_db(self) -> None:
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda path: [int(part) for part in path.split("/")[4].split(".")])
        if not bins:
            raise FleetError("PostgreSQL is not installed (package postgresql)")
        self.pg_bin = bins[-1]
        pg = self.fleet.host_dir("db", "postgres")
        os.makedirs(pg, exist_ok=True)
        shutil.chown(pg, "postgres")
        as_postgres = ["runuser", "-u", "postgres", "--"]
        run(as_postgres + [f"{self.pg_bin}/initdb", "-D", f"{pg}/data", "-U", "postgres", "--auth-local=peer",
                           "--auth-host=scram-sha-256"])
        with open(f"{pg}/data/pg_hba.conf", "a") as file:
            file.write(f"host all all {NET}.0/24 scram-sha-256\n")
        self.pg_ctl = as_postgres + [f"{self.pg_bin}/pg_ctl", "-D", f"{pg}/data", "-l", f"{pg}/server.log", "-w", "-o",
                                     f"-c listen_addresses={address('db')} -p 5432 -k {pg} -c fsync=off -c max_connections=200"]
        self.fleet.on("db", self.pg_ctl + ["start"])
        psql = as_postgres + ["psql", "-h", pg, "-p", "5432", "-d", "postgres", "-q", "-v", "ON_ERROR_STOP=1"]
        statements = [
            f"CREATE ROLE gantry LOGIN PASSWORD '{self.passwords['GANTRY_DB_PASSWORD']}'",
            "CREATE DATABASE gantry OWNER gantry",
            f"CREATE ROLE health LOGIN PASSWORD '{self.passwords['HEALTH_DB_PASSWORD']}'",
            "CREATE DATABASE app OWNER health",
        ]
        # The passwords go to psql on its standard input, never on a command line.
        run(self.fleet.enter("db", psql), input=";\n".join(statements) + ";\n")
        self.fleet.spawn("db", "redis", ["redis-server", "--bind", address("db"), "--port", "6379", "--save", "",
                                         "--appendonly", "no", "--protected-mode", "no"])
        self.fleet.wait_for_port("db", "db", 5432)
        self.fleet.wait_for_port("db", "db", 6379)

    def restart_db(self) -> None:
        self.fleet.on("db", self.pg_ctl + ["-m", "fast", "restart"], timeout=60)

    def dump_state(self) -> str:
        """Everything gantry stored in PostgreSQL, as SQL text."""
        return self.fleet.on("db", ["runuser", "-u", "postgres", "--", f"{self.pg_bin}/pg_dump", "-h",
                                    self.fleet.host_dir("db", "postgres"), "-p", "5432", "gantry"]).stdout

    # -- monitor -------------------------------------------------------------------------

    def start_monitor(self) -> None:
        prometheus = self.fleet.host_dir("monitor", "prometheus")
        os.makedirs(prometheus, exist_ok=True)
        runners = ", ".join(f'"{address(host)}:9464"' for host in RUNNERS)
        web = ", ".join(f'"{address(host)}:9100"' for host in WEB)
        with open(f"{prometheus}/prometheus.yml", "w") as file:
            file.write(f"""global: {{ scrape_interval: 1s, scrape_timeout: 900ms, evaluation_interval: 1s }}
scrape_configs:
  - job_name: gantry
    static_configs: [ {{ targets: [{runners}] }} ]
  - job_name: web
    static_configs: [ {{ targets: [{web}] }} ]
""")
        self.fleet.spawn("monitor", "prometheus", ["prometheus", f"--config.file={prometheus}/prometheus.yml",
                                                   f"--storage.tsdb.path={prometheus}/data",
                                                   f"--web.listen-address={address('monitor')}:9090"])
        self.fleet.wait_for_port("monitor", "monitor", 9090, seconds=60)

    # -- the project the runners deploy ---------------------------------------------------

    def make_project(self, examples: str) -> None:
        shutil.copytree(examples, self.project, ignore=shutil.ignore_patterns("roles", "runners.yml"))
        vault = os.path.join(self.project, "group_vars", "web", "vault.yml")
        with open(vault, "w") as file:
            file.write(f"vault_app_api_key: {self.app_api_key}\n")
        run([f"{self.ansible_bin}/ansible-vault", "encrypt", vault], cwd=self.project, env=self.runner_env("runner-1"))
        for release in ["1.0", "2.0", "3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "4.0", "5.0", "5.1", "6.0", "6.1",
                        "7.0-bad", "8.0", "9.0", "10.0", "10.1"]:
            self.make_artifact(release, broken_on="web-2" if release.endswith("-bad") else None)

    def make_artifact(self, release: str, broken_on: str | None = None) -> None:
        public = os.path.join(self.artifacts, release, "public")
        os.makedirs(public, exist_ok=True)
        with open(os.path.join(public, "index.html"), "w") as file:
            file.write(f"<!doctype html><title>shop {release}</title><p>shop, release {release}</p>\n")
        status = "ok"
        if broken_on:
            # This release cannot open its cache on one host: its health says so there only.
            status = "{{ 'failing: cache unreachable' if inventory_hostname == '" + broken_on + "' else 'ok' }}"
        with open(os.path.join(self.artifacts, release, "health.json.j2"), "w") as file:
            file.write('{"release": "{{ release }}", "host": "{{ inventory_hostname }}", "status": "' + status + '"}\n')

    def runner_env(self, runner: str) -> dict[str, str]:
        home = self.fleet.host_dir(runner, "home")
        os.makedirs(home, exist_ok=True)
        env = {
            "PATH": f"{os.path.dirname(self.gantry)}:{self.ansible_bin}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "HOME": home,
            "LANG": "C.UTF-8",
            "NO_COLOR": "1",
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_HOME": os.path.join(home, ".ansible"),
            "ANSIBLE_LOCAL_TEMP": os.path.join(home, ".ansible", "tmp"),
            "ANSIBLE_REMOTE_TMP": "/srv/.ansible/tmp",
            "ANSIBLE_PRIVATE_KEY_FILE": os.path.join(self.ssh_dir, "id_ed25519"),
            "ANSIBLE_SSH_ARGS": f"-o UserKnownHostsFile={os.path.join(self.ssh_dir, 'known_hosts')} -o StrictHostKeyChecking=yes "
                                "-o ControlMaster=auto -o ControlPersist=30s -o ConnectTimeout=3",
            "ANSIBLE_SSH_CONTROL_PATH_DIR": os.path.join(home, ".ansible", "cp"),
            "APP_ARTIFACTS": self.artifacts,
            "GANTRY_CONFIG": os.path.join(self.project, "gantry.yml"),
        }
        env.update(self.passwords)
        return env

    # -- runners -------------------------------------------------------------------------

    def start_serve(self, runner: str) -> None:
        self.serves[runner] = self.fleet.spawn(runner, "gantry-serve", [self.gantry, "serve", "--listen", f"{address(runner)}:9464"],
                                               env=self.runner_env(runner))
        self.fleet.wait_for_port(runner, runner, 9464)

    def stop_serve(self, runner: str) -> None:
        self.fleet.signal(runner, "gantry serve --listen")
        self.fleet.wait_gone(runner, "gantry serve --listen")

    def wait_scraped(self, seconds: float = 30) -> None:
        """Waits until Prometheus has scraped every runner and web host at least once."""
        deadline = time.monotonic() + seconds
        url = f"http://{address('monitor')}:9090/api/v1/query?query=count(up%3D%3D1)"
        expected = len(RUNNERS) + len(WEB)
        while time.monotonic() < deadline:
            reply = self.fleet.fetch(url)
            if reply.status == 200 and f'"{expected}"]' in reply.body:
                return
            time.sleep(0.3)
        raise FleetError(f"Prometheus has not scraped all {expected} targets after {seconds} s")
