#!/usr/bin/env bash
# The Debian packages the test suite needs beyond Python, Java and Maven: promtool (prometheus), docker-compose
# (checks the container stack without an engine), chromium (browser tests) and strace (shows that no parser input
# opens a file). Installs only what is missing, only as root, non-interactively; when everything is present it
# returns at once without touching apt. Without root it says what to install and carries on: `make run` does not
# need these, the tests that do name the missing package.
set -euo pipefail

# package:command that proves it is installed
wanted=("prometheus:promtool" "docker-compose:docker-compose" "chromium:chromium" "strace:strace")

missing=()
for entry in "${wanted[@]}"; do
    package=${entry%%:*} command=${entry#*:}
    command -v "$command" >/dev/null 2>&1 || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "The test suite needs the Debian packages: ${missing[*]}." >&2
    echo "Install them as root (apt-get install ${missing[*]}); until then the tests that use them fail." >&2
    exit 0
fi

echo "Installing Debian packages: ${missing[*]} …"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
