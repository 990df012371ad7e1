"""The staging fleet: hosts made of network, UTS, PID and mount namespaces on one machine,
joined by veth pairs to one bridge on a /24 that exists nowhere else on it.

Every host is a long-lived `sleep` that is PID 1 of its own PID namespace, inside its own
network namespace (`ip netns`), with its own host name and, where it matters, its own
/etc/machine-id and /srv (bind mounts in its own mount namespace). Commands run "on" a host
through nsenter into all four. Killing a host's PID 1 ends every process it ran.

The namespaces get no default route: the only addresses they can reach are each other's.
"""

import fcntl
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar, TextIO
from urllib.parse import urlsplit

NET: str = "10.213.7"
BRIDGE: str = "gstbr0"
# Each host's name and the last byte of its address; the order numbers the veth pairs.
HOSTS: dict[str, int] = {"runner-1": 11, "runner-2": 12, "web-1": 21, "web-2": 22, "web-3": 23, "db": 30, "monitor": 40}
WEB: list[str] = ["web-1", "web-2", "web-3"]
RUNNERS: list[str] = ["runner-1", "runner-2"]


def address(host: str) -> str:
    return f"{NET}.{HOSTS[host]}"


OWN_ADDRESSES: set[str] = {address(host) for host in HOSTS}


class FleetError(Exception):
    """The fleet could not be built: what failed and why."""


class FleetBusy(FleetError):
    """Another staging run holds the machine's fleet."""


@dataclass(frozen=True)
class Host:
    """A host that is up: the holder process that made its namespaces (waited for when the
    host goes down), and the PID, as this machine sees it, of the `sleep` that is PID 1
    inside them: what nsenter enters, and what ends the host when killed."""

    holder: subprocess.Popen[bytes]
    pid: int


@dataclass(frozen=True)
class Reply:
    """What a GET from inside a host got: the HTTP status, 0 when nothing answered, and the body."""

    status: int
    body: str


def run(argv: Sequence[str], check: bool = True, timeout: float = 60, input: str | None = None, cwd: str | None = None,
        env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Runs argv (never a shell line), returning the completed process with text output."""
    result = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, input=input, cwd=cwd, env=env)
    if check and result.returncode != 0:
        raise FleetError(f"{' '.join(argv)}: exit {result.returncode}: {(result.stderr or result.stdout).strip()[:400]}")
    return result


def own_target(target: str) -> str:
    """Refuses any network target that is not one of the fleet's own addresses."""
    host = urlsplit(target if "//" in target else f"//{target}").hostname
    if host not in OWN_ADDRESSES:
        raise FleetError(f"{target}: not an address of a staging host; refusing to send anything there")
    return target


class Fleet:
    """Builds, drives and tears down the hosts. `directory` holds each host's files."""

    LOCK: ClassVar[str] = "/run/gantry-staging.lock"

    def __init__(self, directory: str) -> None:
        self.directory: str = directory
        self.hosts: dict[str, Host] = {}
        # Every holder as soon as it is started, so a failed or interrupted start is ended too.
        self.started: list[subprocess.Popen[bytes]] = []
        self.lock: TextIO | None = None
        self.created_namespaces: list[str] = []
        self.bridge_created: bool = False

    # -- building ---------------------------------------------------------------------

    def check_network_is_free(self) -> None:
        used = run(["ip", "-4", "-o", "addr", "show"]).stdout + run(["ip", "-4", "route", "show", "table", "all"]).stdout
        if f" {NET}." in used or f"{NET}.0/24" in used:
            raise FleetError(f"{NET}.0/24 is already used on this machine; staging needs it for its own bridge only")
        # A run that was killed outright (SIGKILL) left its hosts behind: end their processes
        # (each host's PID 1 takes its whole PID namespace with it), then their namespaces.
        leftovers = [name for name in run(["ip", "netns", "list"]).stdout.split() if name.startswith("gst-")]
        for name in leftovers:
            for pid in run(["ip", "netns", "pids", name], check=False).stdout.split():
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except (ProcessLookupError, ValueError):
                    pass
            run(["ip", "netns", "delete", name], check=False)
        run(["ip", "link", "delete", BRIDGE], check=False)
        self.delete_links()

    @staticmethod
    def delete_links() -> None:
        """Deletes the hosts' veth pairs. Deleting a namespace frees the pair inside it only
        later (the kernel cleans namespaces up in the background), so a run straight after
        another would find `gstv0` still there: delete each outside end (which takes its peer
        with it) and wait until none is left."""
        deadline = time.monotonic() + 10
        while True:
            links = [line.split(":")[1].strip().split("@")[0] for line in run(["ip", "-o", "link", "show"]).stdout.splitlines()
                     if line.split(":")[1].strip().startswith("gstv")]
            if not links:
                return
            if time.monotonic() > deadline:
                raise FleetError(f"links {', '.join(links)} of an earlier run would not go away")
            for link in links:
                run(["ip", "link", "delete", link], check=False)
            time.sleep(0.1)

    def host_dir(self, host: str, *parts: str) -> str:
        return os.path.join(self.directory, "hosts", host, *parts)

    def up(self) -> None:
        if os.geteuid() != 0:
            raise FleetError("staging needs root (network namespaces, bind mounts)")
        # One fleet per machine: its namespaces, bridge and addresses are fixed, and cleaning
        # up a killed run's leftovers must never end a run that is still going.
        self.lock = open(self.LOCK, "w")
        try:
            fcntl.flock(self.lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.lock.close()
            self.lock = None
            raise FleetBusy("another scripts/staging is running on this machine")
        for tool in ["ip", "unshare", "nsenter"]:
            if shutil.which(tool) is None:
                raise FleetError(f"{tool} is not installed")
        self.check_network_is_free()
        run(["ip", "link", "add", BRIDGE, "type", "bridge"])
        self.bridge_created = True
        run(["ip", "link", "set", BRIDGE, "up"])
        for index, host in enumerate(HOSTS):
            self.add_host(index, host)

    def add_host(self, index: int, host: str) -> None:
        namespace = f"gst-{host}"
        run(["ip", "netns", "add", namespace])
        self.created_namespaces.append(namespace)
        outside, inside = f"gstv{index}", f"gstp{index}"
        run(["ip", "link", "add", outside, "type", "veth", "peer", "name", inside])
        run(["ip", "link", "set", inside, "netns", namespace])
        run(["ip", "link", "set", outside, "master", BRIDGE, "up"])
        run(["ip", "netns", "exec", namespace, "ip", "link", "set", inside, "name", "eth0"])
        run(["ip", "netns", "exec", namespace, "ip", "addr", "add", f"{address(host)}/24", "dev", "eth0"])
        run(["ip", "netns", "exec", namespace, "ip", "link", "set", "eth0", "up"])
        run(["ip", "netns", "exec", namespace, "ip", "link", "set", "lo", "up"])

        os.makedirs(self.host_dir(host, "srv", "log"), exist_ok=True)
        os.chmod(self.host_dir(host), 0o755)
        os.chmod(self.host_dir(host, "srv"), 0o755)
        with open(self.host_dir(host, "machine-id"), "w") as file:
            file.write(os.urandom(16).hex() + "\n")
        ready = self.host_dir(host, "ready")
        # The holder: own host name, own /etc/machine-id and /srv, then PID 1 forever.
        script = (
            'hostname "$1" && mount --bind "$2/machine-id" /etc/machine-id && mount --bind "$2/srv" /srv '
            '&& touch "$2/ready" && exec sleep infinity'
        )
        holder = subprocess.Popen(
            ["ip", "netns", "exec", namespace, "unshare", "--uts", "--pid", "--mount", "--fork", "--mount-proc",
             "--propagation", "private", "/bin/sh", "-c", script, "holder", host, self.host_dir(host)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=open(self.host_dir(host, "holder.log"), "w"),
            start_new_session=True,
        )
        self.started.append(holder)
        deadline = time.monotonic() + 10
        while not os.path.exists(ready):
            if holder.poll() is not None or time.monotonic() > deadline:
                raise FleetError(f"{host}: its namespaces could not be set up: {open(self.host_dir(host, 'holder.log')).read().strip()}")
            time.sleep(0.02)
        children = run(["pgrep", "-P", str(holder.pid)]).stdout.split()
        self.hosts[host] = Host(holder, int(children[0]))

    # -- running things on hosts ---------------------------------------------------------

    def enter(self, host: str, argv: Sequence[str]) -> list[str]:
        """argv, made to run inside `host`'s namespaces."""
        return ["nsenter", "-t", str(self.hosts[host].pid), "-n", "-u", "-p", "-m", "--"] + list(argv)

    def on(self, host: str, argv: Sequence[str], check: bool = True, timeout: float = 60,
           env: Mapping[str, str] | None = None, input: str | None = None) -> subprocess.CompletedProcess[str]:
        return run(self.enter(host, argv), check=check, timeout=timeout, env=env, input=input)

    def spawn(self, host: str, name: str, argv: Sequence[str], env: Mapping[str, str] | None = None) -> subprocess.Popen[bytes]:
        """Starts a long-running process on `host`, its output in the host's log directory."""
        log = open(self.host_dir(host, "srv", "log", f"{name}.log"), "ab")
        return subprocess.Popen(self.enter(host, argv), stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                env=env, start_new_session=True)

    def signal(self, host: str, pattern: str, signal_name: str = "TERM") -> bool:
        """Signals the processes on `host` whose command line matches `pattern`."""
        return self.on(host, ["pkill", f"-{signal_name}", "-f", "--", pattern], check=False).returncode == 0

    def processes(self, host: str) -> list[int]:
        """Every process in `host`'s PID namespace but its PID 1 (the holder's `sleep`), as
        this machine numbers them: what a paused VM would stop."""
        init = self.hosts[host].pid
        namespace = os.readlink(f"/proc/{init}/ns/pid")
        found = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit() or int(entry) == init:
                continue
            try:
                if os.readlink(f"/proc/{entry}/ns/pid") == namespace:
                    found.append(int(entry))
            except OSError:
                continue
        return found

    def freeze(self, host: str, frozen: bool, only: Callable[[str], bool] | None = None) -> int:
        """Stops (SIGSTOP) or continues (SIGCONT) every process of `host` but its PID 1, as a
        paused VM and its resume, or those whose command name (`/proc/PID/comm`) `only`
        accepts; returns how many were signalled."""
        count = 0
        for pid in self.processes(host):
            try:
                if only is not None:
                    with open(f"/proc/{pid}/comm") as file:
                        if not only(file.read().strip()):
                            continue
                os.kill(pid, signal.SIGSTOP if frozen else signal.SIGCONT)
                count += 1
            except OSError:
                # Gone meanwhile (ProcessLookupError, or its /proc entry with it).
                continue
        return count

    def running(self, host: str, name: str) -> bool:
        """Whether a process of `host` named `name` (as `/proc/PID/comm` keeps it: its first 15
        characters) still runs: one that has ended but not been reaped (its parent is
        stopped) does not."""
        for pid in self.processes(host):
            try:
                with open(f"/proc/{pid}/stat") as file:
                    stat = file.read()
            except OSError:
                continue
            comm, _, rest = stat.partition(" (")[2].rpartition(") ")
            if comm == name[:15] and rest.split()[0] != "Z":
                return True
        return False

    def wait_ended(self, host: str, name: str, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if not self.running(host, name):
                return True
            time.sleep(0.1)
        return False

    def wait_gone(self, host: str, pattern: str, seconds: float = 15) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.on(host, ["pgrep", "-f", "--", pattern], check=False).returncode != 0:
                return True
            time.sleep(0.1)
        return False

    def link(self, host: str, up: bool) -> None:
        run(["ip", "link", "set", f"gstv{list(HOSTS).index(host)}", "up" if up else "down"])

    def cut(self, host: str, peer: str) -> None:
        """Makes every packet `host` sends to `peer` vanish, silently, as in a real partition:
        `host` addresses them to a link-layer address nobody has."""
        self.on(host, ["ip", "neigh", "replace", address(peer), "lladdr", "02:00:00:00:de:ad", "dev", "eth0", "nud", "permanent"])

    def lose(self, host: str, peers: Sequence[str], percent: int) -> None:
        """Drops `percent`% of the packets `host` receives from `peers`, at random, with
        nftables inside `host`'s network namespace (netem is not needed): a lossy network."""
        sources = ", ".join(address(peer) for peer in peers)
        rules = f"""table inet gantry_loss {{
    chain input {{
        type filter hook input priority 0; policy accept;
        ip saddr {{ {sources} }} numgen random mod 100 < {percent} drop
    }}
}}
"""
        self.on(host, ["nft", "-f", "-"], input=rules)

    def lossless(self, host: str) -> None:
        self.on(host, ["nft", "delete", "table", "inet", "gantry_loss"], check=False)

    def heal(self, host: str, peer: str) -> None:
        self.on(host, ["ip", "neigh", "del", address(peer), "dev", "eth0"], check=False)

    def wait_for_port(self, host: str, target_host: str, port: int, seconds: float = 20) -> None:
        own_target(f"{address(target_host)}:{port}")
        deadline = time.monotonic() + seconds
        probe = f"exec 3<>/dev/tcp/{address(target_host)}/{port}"
        while time.monotonic() < deadline:
            if self.on(host, ["bash", "-c", probe], check=False, timeout=5).returncode == 0:
                return
            time.sleep(0.1)
        raise FleetError(f"{target_host}:{port} is not listening after {seconds} s")

    def fetch(self, url: str, host: str = "monitor", timeout: int = 3) -> Reply:
        """GETs `url` from inside `host`."""
        own_target(url)
        result = self.on(host, ["curl", "-s", "-m", str(timeout), "-o", "-", "-w", "\n%{http_code}", url], check=False, timeout=timeout + 5)
        body, _, status = result.stdout.rpartition("\n")
        return Reply(int(status or 0), body)

    # -- tearing down ----------------------------------------------------------------------

    def down(self) -> None:
        for host in self.hosts.values():
            try:
                os.kill(host.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            try:
                host.holder.wait(timeout=10)
            except subprocess.TimeoutExpired:
                host.holder.kill()
        self.hosts = {}
        for holder in self.started:
            # A holder whose start failed: its whole process group (unshare and its child).
            if holder.poll() is None:
                try:
                    os.killpg(holder.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                holder.wait(timeout=10)
        self.started = []
        for namespace in self.created_namespaces:
            run(["ip", "netns", "delete", namespace], check=False)
        if self.created_namespaces:
            try:
                self.delete_links()
            except FleetError:
                pass  # the next run deletes them before it starts
        self.created_namespaces = []
        if self.bridge_created:
            run(["ip", "link", "delete", BRIDGE], check=False)
            self.bridge_created = False
        if self.lock:
            self.lock.close()
            self.lock = None
