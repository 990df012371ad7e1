"""Times whole `gantry` processes and prints median, p90 and min per scenario.

Each scenario runs in a fresh temporary project; the state store is created by a warm-up
run first so the figures are steady-state deploys, not first-time schema creation.
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

GANTRY = os.environ["GANTRY_BIN"]
RUNS = int(os.environ.get("BENCH_RUNS", "20"))
TARGETS_MS = {"gantry --help": 30.0, "gantry deploy (no-op command `true`)": 60.0}

CONFIG = """version: 1
environments:
  bench:
    deploy: { command: ["true"] }
"""


def timed(argv, cwd):
    env = dict(os.environ, NO_COLOR="1")
    start = time.perf_counter()
    result = subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = (time.perf_counter() - start) * 1000
    if result.returncode != 0:
        sys.exit(f"{argv} failed with {result.returncode}: {result.stderr.decode()}")
    return elapsed


def scenario(name, make_argv, cwd):
    timed(make_argv(-1), cwd)  # warm-up: page cache, state schema
    samples = [timed(make_argv(i), cwd) for i in range(RUNS)]
    samples.sort()
    median = statistics.median(samples)
    p90 = samples[int(len(samples) * 0.9) - 1]
    target = TARGETS_MS.get(name)
    verdict = "" if target is None else (f"  target < {target:.0f} ms: " + ("met" if median < target else "MISSED"))
    print(f"{name:42s} median {median:7.1f} ms   p90 {p90:7.1f} ms   min {samples[0]:7.1f} ms   (n={RUNS}){verdict}")
    return median < target if target else True


def main():
    print(f"binary: {GANTRY}")
    print(f"machine: {os.cpu_count()} cores; {os.uname().sysname} {os.uname().release}")
    ok = True
    with tempfile.TemporaryDirectory() as project:
        with open(os.path.join(project, "gantry.yml"), "w") as f:
            f.write(CONFIG)
        ok &= scenario("gantry --help", lambda i: [GANTRY, "--help"], project)
        ok &= scenario("gantry deploy (no-op command `true`)", lambda i: [GANTRY, "deploy", "bench", "--release", f"r{i + 1}"], project)
        scenario("gantry deploy (release already live: skip)", lambda i: [GANTRY, "deploy", "bench", "--release", f"r{RUNS}"], project)
        scenario("gantry status", lambda i: [GANTRY, "status"], project)
        scenario("gantry history (20 rows)", lambda i: [GANTRY, "history", "bench"], project)
    sys.exit(0 if ok else 1)


main()
