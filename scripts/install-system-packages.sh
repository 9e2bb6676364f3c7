#!/usr/bin/env bash
# Installs the Debian packages leadsync builds against, when any is missing.
# apt-get update runs at most once, and only when something must be installed.
# libssl-dev: the libcrypto headers of the credentials cipher (decision 0027).
# postgresql brings the server binaries (/usr/lib/postgresql/VERSION/bin) and the `postgres` user the
# tests' throwaway servers run as (PostgreSQL refuses root); the cluster the package makes is not used.
set -euo pipefail
needed=(libsqlite3-dev libcurl4-openssl-dev libssl-dev zlib1g-dev python3-venv postgresql)
missing=()
for package in "${needed[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
    echo "installing ${missing[*]}" >&2
    sudo_prefix=()
    if [[ $(id -u) -ne 0 ]]; then sudo_prefix=(sudo); fi
    "${sudo_prefix[@]}" apt-get update
    DEBIAN_FRONTEND=noninteractive "${sudo_prefix[@]}" apt-get install -y "${missing[@]}"
fi
