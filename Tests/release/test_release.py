"""The release files scripts/release writes, and what a user does with them.

scripts/test runs scripts/release on its debug build, then this file with the interpreter that
has cyclonedx-python-lib (the CycloneDX project's own validator):

    GANTRY_TEST_DIST=dist python3 -m unittest Tests/release/test_release.py

Every install goes to a loopback HTTP server serving a copy of dist/ (a mirror, as `--from`
takes), never to the network.
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import json
import os
import shutil
import socket
import subprocess
import tarfile
import tempfile
import threading
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
INSTALL = os.path.join(ROOT, "scripts", "install")
ACTION_INSTALL = os.path.join(ROOT, "scripts", "action-install")


def read_dist() -> tuple[str, dict[str, str]]:
    """dist/ and its SHA256SUMS as {file name: checksum}."""
    dist = os.environ.get("GANTRY_TEST_DIST", os.path.join(ROOT, "dist"))
    with open(os.path.join(dist, "SHA256SUMS")) as file:
        sums = {name: digest for digest, name in (line.split() for line in file if line.strip())}
    return dist, sums


class Mirror:
    """A directory served over HTTP on a loopback port, until closed."""

    def __init__(self, directory: str) -> None:
        handler = functools.partial(QuietHandler, directory=directory)
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ReleaseTests(unittest.TestCase):
    dist: str
    sums: dict[str, str]

    @classmethod
    def setUpClass(cls) -> None:
        cls.dist, cls.sums = read_dist()
        cls.archive = next(name for name in cls.sums if name.endswith(".tar.gz"))
        cls.version = cls.archive.split("-")[1]
        with open(os.path.join(ROOT, "VERSION")) as file:
            cls.expected_version = file.read().strip()

    def setUp(self) -> None:
        self.scratch = tempfile.mkdtemp(prefix="gantry-release-test-")
        self.mirror_dir = os.path.join(self.scratch, "mirror")
        shutil.copytree(self.dist, self.mirror_dir)
        self.mirror = Mirror(self.mirror_dir)
        self.prefix = os.path.join(self.scratch, "bin")

    def tearDown(self) -> None:
        self.mirror.close()
        shutil.rmtree(self.scratch, ignore_errors=True)

    def install(self, *arguments: str, environment: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["sh", INSTALL, *arguments], capture_output=True, text=True, timeout=120,
                              env={**os.environ, **(environment or {})})

    def installed_version(self) -> dict:
        output = subprocess.run([os.path.join(self.prefix, "gantry"), "version", "--json"], capture_output=True, text=True, check=True)
        return json.loads(output.stdout)

    # The files

    def test_sha256sums_lists_every_file_and_each_matches(self) -> None:
        names = set(self.sums)
        self.assertEqual(len(names), 3, names)
        self.assertTrue(any(name.endswith(".deb") for name in names))
        self.assertIn(f"gantry-{self.version}.cdx.json", names)
        for name, digest in self.sums.items():
            with open(os.path.join(self.dist, name), "rb") as file:
                self.assertEqual(hashlib.sha256(file.read()).hexdigest(), digest, name)

    def test_the_archive_holds_the_binaries_their_docs_and_the_notices(self) -> None:
        self.assertEqual(self.version, self.expected_version)
        top = self.archive.removesuffix(".tar.gz")
        with tarfile.open(os.path.join(self.dist, self.archive)) as archive:
            members = {member.name: member for member in archive.getmembers()}
            notices = archive.extractfile(f"{top}/THIRD_PARTY_NOTICES").read().decode()
            license_text = archive.extractfile(f"{top}/LICENSE").read().decode()
        for path in ["bin/gantry", "bin/gantry-lease-guard", "share/man/man1/gantry.1.gz", "share/man/man1/gantry-lease-guard.1.gz",
                     "share/bash-completion/completions/gantry", "share/zsh/site-functions/_gantry",
                     "share/fish/vendor_completions.d/gantry.fish", "LICENSE", "README.md", "CHANGELOG.md", "THIRD_PARTY_NOTICES"]:
            self.assertIn(f"{top}/{path}", members)
        self.assertEqual(members[f"{top}/bin/gantry"].mode & 0o777, 0o755)
        self.assertTrue(all(member.uid == 0 and member.gid == 0 for member in members.values()))
        self.assertIn("Apache License", license_text)
        self.assertIn("Version 2.0", license_text)
        # Every linked package with its license: the Apache NOTICE files too.
        for package in ["swift-nio ", "Yams ", "GRDB ", "postgres-nio ", "swift-argument-parser ", "swift-crypto "]:
            self.assertIn("\n" + package, notices)
        self.assertIn("--- NOTICE.txt ---", notices)

    def test_the_sbom_is_valid_cyclonedx_and_names_the_linked_packages(self) -> None:
        from cyclonedx.schema import SchemaVersion
        from cyclonedx.validation.json import JsonStrictValidator

        with open(os.path.join(self.dist, f"gantry-{self.version}.cdx.json")) as file:
            text = file.read()
        errors = JsonStrictValidator(SchemaVersion.V1_5).validate_str(text)
        self.assertIsNone(errors, f"the CycloneDX validator rejects the SBOM: {errors}")
        document = json.loads(text)
        self.assertEqual(document["metadata"]["component"]["version"], self.version)
        components = {component["name"]: component for component in document["components"]}
        for name in ["swift-nio", "Yams", "GRDB", "postgres-nio", "swift-argument-parser"]:
            self.assertIn(name, components)
            self.assertTrue(components[name]["purl"].startswith("pkg:swift/github.com/"), components[name]["purl"])
        self.assertEqual(components["swift-nio"]["licenses"], [{"license": {"id": "Apache-2.0"}}])
        self.assertEqual(components["Yams"]["licenses"], [{"license": {"id": "MIT"}}])
        commit = document["metadata"]["component"]["properties"][0]["value"]
        self.assertRegex(commit, r"^[0-9a-f]{40}(-dirty)?$")

    # scripts/install

    def test_install_from_a_mirror_verifies_installs_and_names_the_commit(self) -> None:
        result = self.install("--from", self.mirror.url, "--prefix", self.prefix)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("SHA-256 verified", result.stderr)
        self.assertIn(f"gantry {self.version} (commit ", result.stdout)
        installed = self.installed_version()
        self.assertEqual(installed["version"], self.version)
        head = subprocess.run(["git", "-C", ROOT, "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
        self.assertEqual(installed["commit"].removesuffix("-dirty"), head)
        self.assertTrue(os.access(os.path.join(self.prefix, "gantry-lease-guard"), os.X_OK))

    def test_install_of_a_named_version(self) -> None:
        result = self.install("--version", f"v{self.version}", "--from", self.mirror.url, "--prefix", self.prefix)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(self.installed_version()["version"], self.version)

    def test_a_tampered_archive_is_refused_and_nothing_is_installed(self) -> None:
        path = os.path.join(self.mirror_dir, self.archive)
        with open(path, "r+b") as file:
            file.seek(os.path.getsize(path) // 2)
            byte = file.read(1)
            file.seek(-1, os.SEEK_CUR)
            file.write(bytes([byte[0] ^ 0xFF]))
        result = self.install("--from", self.mirror.url, "--prefix", self.prefix)
        self.assertEqual(result.returncode, 1)
        self.assertIn("tampered", result.stderr)
        self.assertIn("nothing installed", result.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.prefix, "gantry")))

    def test_an_archive_missing_from_sha256sums_is_refused(self) -> None:
        sums = os.path.join(self.mirror_dir, "SHA256SUMS")
        with open(sums) as file:
            kept = [line for line in file if not line.rstrip().endswith(".tar.gz")]
        with open(sums, "w") as file:
            file.writelines(kept)
        result = self.install("--version", self.version, "--from", self.mirror.url, "--prefix", self.prefix)
        self.assertEqual(result.returncode, 1)
        self.assertIn("has no line for", result.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.prefix, "gantry")))

    def test_a_missing_version_says_so(self) -> None:
        result = self.install("--version", "9.9.9", "--from", self.mirror.url + "/v9.9.9", "--prefix", self.prefix)
        self.assertEqual(result.returncode, 1)
        self.assertIn("404", result.stderr)
        self.assertIn("no such release", result.stderr)
        self.assertFalse(os.path.exists(self.prefix))

    def test_no_network_is_one_clear_line(self) -> None:
        result = self.install("--from", f"http://127.0.0.1:{closed_port()}", "--prefix", self.prefix)
        self.assertEqual(result.returncode, 1)
        self.assertEqual(len(result.stderr.strip().splitlines()), 1, result.stderr)
        self.assertIn("cannot connect", result.stderr)
        self.assertFalse(os.path.exists(self.prefix))

    def test_bad_arguments_exit_2(self) -> None:
        for arguments, words in [(["--version", "latest!"], "not a version"), (["--frobnicate"], "unknown argument"), (["--prefix"], "needs a directory")]:
            result = self.install(*arguments)
            self.assertEqual(result.returncode, 2, arguments)
            self.assertIn(words, result.stderr)

    # The action's install step

    def action_install(self, cache: str, github_path: str, path: str, version: str = "") -> subprocess.CompletedProcess[str]:
        environment = {
            "PATH": path, "GITHUB_ACTION_PATH": ROOT, "RUNNER_TOOL_CACHE": cache, "GITHUB_PATH": github_path,
            "GANTRY_ACTION_VERSION": version, "GANTRY_INSTALL_FROM": self.mirror.url,
        }
        return subprocess.run([ACTION_INSTALL], capture_output=True, text=True, timeout=120, env=environment)

    def test_the_action_installs_into_the_tool_cache_once_and_puts_it_on_path(self) -> None:
        with open(os.path.join(ROOT, "action.yml")) as file:
            self.assertIn('"$GITHUB_ACTION_PATH/scripts/action-install"', file.read())
        cache = os.path.join(self.scratch, "toolcache")
        github_path = os.path.join(self.scratch, "github_path")
        system_path = "/usr/bin:/bin"
        first = self.action_install(cache, github_path, system_path)
        self.assertEqual(first.returncode, 0, first.stderr)
        with open(github_path) as file:
            added = file.read().splitlines()
        self.assertEqual(len(added), 1)
        self.assertTrue(added[0].startswith(os.path.join(cache, "gantry", self.version)))
        self.assertTrue(os.access(os.path.join(added[0], "gantry"), os.X_OK))
        # Again: from the cache, no download (the mirror is gone).
        self.mirror.close()
        self.mirror = Mirror(self.mirror_dir)
        shutil.rmtree(self.mirror_dir)
        second = self.action_install(cache, github_path, system_path)
        self.assertEqual(second.returncode, 0, second.stderr)
        self.assertIn("from the tool cache", second.stdout)
        # With that gantry on PATH: nothing to do.
        third = self.action_install(cache, github_path, added[0] + ":" + system_path)
        self.assertEqual(third.returncode, 0, third.stderr)
        self.assertIn("is on PATH", third.stdout)

    def test_the_action_refuses_a_version_the_mirror_does_not_have(self) -> None:
        cache = os.path.join(self.scratch, "toolcache")
        github_path = os.path.join(self.scratch, "github_path")
        result = self.action_install(cache, github_path, "/usr/bin:/bin", version="9.9.9")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("has no line for gantry-9.9.9-linux-", result.stderr)
        self.assertFalse(os.path.exists(github_path))


if __name__ == "__main__":
    unittest.main()
