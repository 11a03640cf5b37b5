#!/usr/bin/env bash
# Builds the Mattermost server that the end-to-end suite and `make demo` run,
# from the Go module pinned in e2e/mmserver, and caches it outside the checkout.
#
# Prints the server's home directory (bin/mattermost, i18n/, templates/, fonts/).
# The cache key is a hash of the wrapper module, so a version bump rebuilds and
# every other run (CI on the same machine included) starts in a second.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
wrapper="$root/e2e/mmserver"
cache="${CLAUDE_MM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/claude-mattermost}"
key=$(cat "$wrapper/go.mod" "$wrapper/go.sum" "$wrapper/main.go" | sha256sum | cut -c1-16)
home="$cache/mattermost-$key"

if [[ -x "$home/bin/mattermost" && -d "$home/i18n" ]]; then
    echo "$home"
    exit 0
fi

# The server module's newest versions are missing from the checksum database;
# go.sum in the wrapper pins their hashes instead.
export GONOSUMDB=github.com/mattermost/mattermost
export GOFLAGS=-mod=mod

echo "building the Mattermost server (cold: about 3 minutes on 2 cores, then cached in $home)" >&2
start=$(date +%s)
tmp="$home.tmp.$$"
rm -rf "$tmp"
mkdir -p "$tmp/bin"
(cd "$wrapper" && go build -trimpath -o "$tmp/bin/mattermost" .)

# i18n, email templates and fonts come from the module itself; the server
# looks for them next to its binary's parent directory.
moddir=$(cd "$wrapper" && go list -m -f '{{.Dir}}' github.com/mattermost/mattermost/server/v8)
for d in i18n templates fonts; do
    cp -r "$moddir/$d" "$tmp/$d"
done
chmod -R u+w "$tmp"
rm -rf "$home"
mv "$tmp" "$home"
echo "built the Mattermost server in $(( $(date +%s) - start ))s" >&2
echo "$home"
