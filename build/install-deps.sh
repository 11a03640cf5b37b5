#!/usr/bin/env bash
# Installs what the build and the test suites need beyond Go and Node: Debian's
# PostgreSQL (the end-to-end suite's database) and Chromium (the browser test),
# then the npm packages. Does nothing that is already done.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || need+=(postgresql)
[[ -x /usr/bin/chromium ]] || need+=(chromium)
command -v runuser >/dev/null || need+=(util-linux)

if ((${#need[@]})); then
    if [[ $(id -u) -ne 0 ]]; then
        sudo=sudo
    else
        sudo=
    fi
    echo "installing Debian packages: ${need[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
    # Debian starts a cluster of its own on port 5432; the suites start theirs.
    if [[ " ${need[*]} " == *" postgresql "* ]] && command -v pg_lsclusters >/dev/null; then
        $sudo pg_ctlcluster --force "$(pg_lsclusters -h | awk 'NR==1{print $1}')" main stop 2>/dev/null || true
    fi
fi

for tool in go node npm; do
    command -v "$tool" >/dev/null || { echo "missing $tool: install Go >= 1.24 and Node.js >= 20 first" >&2; exit 1; }
done

# npm packages: a clean install on a fresh clone, and again only when the
# lock file changed since the last install.
stamp=node_modules/.install-stamp
if [[ ! -d node_modules ]]; then
    npm ci --no-audit --no-fund
    touch "$stamp"
elif [[ ! -f $stamp || package-lock.json -nt $stamp ]]; then
    npm install --no-audit --no-fund
    touch "$stamp"
fi
