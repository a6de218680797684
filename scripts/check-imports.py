#!/usr/bin/env python3
"""Fails when a target imports a module of this package, or a dependency's product, that it
does not declare itself in Package.swift.

SwiftPM's `--explicit-target-dependency-import-check` accepts any module reachable through
the declared dependencies, so an import that only works transitively passes it; this
checks the direct declarations. Toolchain modules (Foundation, Glibc, Testing…) are not
products and are not checked.

Usage: scripts/check-imports.py [PACKAGE_DIR]
"""

import json
import pathlib
import re
import subprocess
import sys

IMPORT = re.compile(r"^\s*(?:@\w+(?:\([^)]*\))?\s+|(?:public|package|internal)\s+)*import\s+(?:\w+\s+)?(\w+)")


def module_name(target_name):
    return target_name.replace("-", "_")


def declared(dependency):
    kind, value = next(iter(dependency.items()))
    return module_name(value[0]) if kind in ("byName", "target", "product") else None


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    manifest = json.loads(
        subprocess.check_output(["swift", "package", "--package-path", str(root), "dump-package"])
    )
    targets = manifest["targets"]
    known = {module_name(target["name"]) for target in targets}
    for target in targets:
        known.update(filter(None, map(declared, target["dependencies"])))

    problems = []
    for target in targets:
        folder = "Tests" if target["type"] == "test" else "Sources"
        directory = root / (target.get("path") or f"{folder}/{target['name']}")
        allowed = set(filter(None, map(declared, target["dependencies"])))
        allowed.add(module_name(target["name"]))
        for source in sorted(directory.rglob("*.swift")):
            for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), 1):
                match = IMPORT.match(line)
                if match and match.group(1) in known and match.group(1) not in allowed:
                    where = source.relative_to(root)
                    problems.append(f"{where}:{number}: {target['name']} imports {match.group(1)}, not declared")
    print("\n".join(problems) if problems else f"{len(targets)} targets import only what they declare")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
