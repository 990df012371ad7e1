#!/usr/bin/env python3
"""What a gantry release says about the code inside it.

The release binaries link every Swift package of the dependency graph statically, so a release
owes each its license notice and should say which versions it carries. Both documents are
made here, from the graph SwiftPM resolved (`swift package show-dependencies --format json`):

  release_manifest.py notices DEPS.json            > THIRD_PARTY_NOTICES
  release_manifest.py sbom DEPS.json VERSION COMMIT EPOCH > gantry-VERSION.cdx.json

The SBOM is CycloneDX 1.5 JSON: one component per package with its version, its purl
(pkg:swift/HOST/OWNER/NAME@VERSION) and the license found in its checkout. scripts/test
validates it with the CycloneDX project's own validator (cyclonedx-python-lib).
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
import uuid
from datetime import datetime, timezone
from urllib.parse import urlparse

LICENSE_FILES = ("LICENSE", "LICENSE.txt", "LICENSE.md", "COPYING")
NOTICE_FILES = ("NOTICE", "NOTICE.txt", "NOTICE.md")


@dataclasses.dataclass(frozen=True)
class Package:
    """One package of the resolved graph, as SwiftPM reports it."""
    identity: str
    name: str
    url: str
    version: str
    path: str
    dependencies: tuple[str, ...]

    def file(self, names: tuple[str, ...]) -> str | None:
        for name in names:
            candidate = os.path.join(self.path, name)
            if os.path.isfile(candidate):
                return candidate
        return None

    @property
    def purl(self) -> str:
        parsed = urlparse(self.url)
        repository = parsed.path.strip("/").removesuffix(".git")
        return f"pkg:swift/{parsed.netloc}/{repository}@{self.version}"

    @property
    def vcs_url(self) -> str:
        return self.url.removesuffix(".git")


def packages(graph_path: str) -> tuple[list[Package], list[str]]:
    """Every package below the root (each once, sorted by identity) and the root's direct
    dependencies."""
    with open(graph_path) as file:
        root = json.load(file)
    found: dict[str, Package] = {}

    def visit(node: dict) -> None:
        for child in node.get("dependencies", []):
            identity = child["identity"]
            if identity not in found:
                found[identity] = Package(
                    identity=identity, name=child["name"], url=child["url"], version=child["version"],
                    path=child["path"], dependencies=tuple(sorted(grandchild["identity"] for grandchild in child.get("dependencies", []))),
                )
            visit(child)

    visit(root)
    direct = sorted(child["identity"] for child in root.get("dependencies", []))
    return sorted(found.values(), key=lambda package: package.identity), direct


def license_id(text: str) -> str | None:
    """The SPDX identifier of a license file's main license, when its text says it plainly."""
    head = text[:3000]
    if "Apache License" in head and "Version 2.0" in head:
        return "Apache-2.0"
    if "Permission is hereby granted, free of charge" in head:
        return "MIT"
    if "Redistribution and use in source and binary forms" in head:
        return "BSD-3-Clause" if "Neither the name" in head else "BSD-2-Clause"
    return None


def read(path: str | None) -> str:
    if path is None:
        return ""
    with open(path, encoding="utf-8", errors="replace") as file:
        return file.read()


def notices(graph_path: str) -> str:
    listed, _ = packages(graph_path)
    missing = [package.identity for package in listed if package.file(LICENSE_FILES) is None]
    if missing:
        raise SystemExit(f"release_manifest: no license file in the checkout of {', '.join(missing)}: the notices would be incomplete")
    parts = [
        "THIRD-PARTY NOTICES\n\n"
        "gantry is licensed under the Apache License, Version 2.0 (LICENSE). Its binaries are\n"
        "built from the Swift packages below (its resolved dependency graph) and link them\n"
        "statically; each is listed with its version, its source and the license and notice\n"
        "files of that version.\n"
    ]
    for package in listed:
        parts.append("\n" + "=" * 78 + f"\n{package.name} {package.version}\n{package.vcs_url}\n" + "=" * 78 + "\n")
        notice = package.file(NOTICE_FILES)
        if notice:
            parts.append(f"\n--- {os.path.basename(notice)} ---\n\n{read(notice).rstrip()}\n")
        license_file = package.file(LICENSE_FILES)
        parts.append(f"\n--- {os.path.basename(license_file)} ---\n\n{read(license_file).rstrip()}\n")
    return "".join(parts)


def sbom(graph_path: str, version: str, commit: str, epoch: str) -> str:
    listed, direct = packages(graph_path)
    timestamp = datetime.fromtimestamp(int(epoch), tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    root_ref = f"pkg:swift/gantry@{version}"
    components = []
    for package in listed:
        component: dict = {
            "type": "library", "bom-ref": package.purl, "name": package.name, "version": package.version,
            "purl": package.purl, "externalReferences": [{"type": "vcs", "url": package.vcs_url}],
        }
        spdx = license_id(read(package.file(LICENSE_FILES)))
        component["licenses"] = [{"license": {"id": spdx}}] if spdx else [{"license": {"name": "see THIRD_PARTY_NOTICES"}}]
        components.append(component)
    by_identity = {package.identity: package for package in listed}
    dependencies = [{"ref": root_ref, "dependsOn": [by_identity[identity].purl for identity in direct]}]
    dependencies += [{"ref": package.purl, "dependsOn": [by_identity[identity].purl for identity in package.dependencies]} for package in listed]
    document = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        # The same release always gets the same serial number: the document is reproducible.
        "serialNumber": f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'gantry/{version}/{commit}')}",
        "version": 1,
        "metadata": {
            "timestamp": timestamp,
            "tools": {"components": [{"type": "application", "name": "scripts/release", "version": version}]},
            "component": {
                "type": "application", "bom-ref": root_ref, "name": "gantry", "version": version, "purl": root_ref,
                "licenses": [{"license": {"id": "Apache-2.0"}}],
                "properties": [{"name": "gantry:commit", "value": commit}],
            },
        },
        "components": components,
        "dependencies": dependencies,
    }
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def main(arguments: list[str]) -> int:
    if len(arguments) == 2 and arguments[0] == "notices":
        sys.stdout.write(notices(arguments[1]))
        return 0
    if len(arguments) == 5 and arguments[0] == "sbom":
        sys.stdout.write(sbom(*arguments[1:]))
        return 0
    print(__doc__.strip().splitlines()[0] + "\nusage: release_manifest.py notices DEPS.json | sbom DEPS.json VERSION COMMIT EPOCH", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
