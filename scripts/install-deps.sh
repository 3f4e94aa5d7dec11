#!/usr/bin/env bash
# Installs the Debian packages the build and tests need, when they are missing.
# Idempotent; prints what it installs. Not root: prints the exact apt-get line and fails.
# Usage: scripts/install-deps.sh [EXTRA_PACKAGE...]
set -euo pipefail

# Packages every build needs; issues that add a C library or a server extend this list.
packages=(make git pkg-config python3 "$@")

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done

if ! command -v swift >/dev/null 2>&1; then
    echo "error: the Swift toolchain (6.1 or later) is not on PATH; install it from swift.org" >&2
    exit 1
fi

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

line="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
    echo "missing Debian packages: ${missing[*]}" >&2
    echo "run as root:  apt-get update && $line" >&2
    exit 1
fi
echo "installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
$line
