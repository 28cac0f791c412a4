#!/usr/bin/env bash
# Resolves a pom's libraries from Maven Central with Maven (installed where
# missing) and writes the classpath of one scope to a file, once per change
# of the pom: later runs read the file and start no Maven. The jars stay in
# a local Maven repository beside the other downloads the scripts cache,
# ~/.cache/fieldbook/maven ($XDG_CACHE_HOME; or FIELDBOOK_MAVEN_REPO), which
# is the cache between runs: a CI that keeps ~/.cache downloads nothing twice.
# Usage: scripts/maven-classpath.sh POM SCOPE OUT_FILE   (SCOPE: runtime, test, provided)
set -euo pipefail
cd "$(dirname "$0")/.."
pom=$1 scope=$2 out=$3

repo=${FIELDBOOK_MAVEN_REPO:-${XDG_CACHE_HOME:-$HOME/.cache}/fieldbook/maven}
key="$(sha256sum "$pom" | cut -d' ' -f1) $scope $repo"
if [ -f "$out" ] && [ -f "$out.key" ] && [ "$(cat "$out.key")" = "$key" ]; then
    # Still there? A cleaned repository needs Maven again.
    missing=$(tr ':' '\n' < "$out" | while read -r jar; do [ -f "$jar" ] || echo "$jar"; done | head -n 1)
    [ -z "$missing" ] && exit 0
fi
if ! command -v mvn >/dev/null 2>&1; then
    printf '\n== installing Maven\n'
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq maven >/dev/null
fi
mkdir -p "$(dirname "$out")"
mvn -B -q -f "$pom" -Dmaven.repo.local="$repo" \
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
    -DincludeScope="$scope" -Dmdep.outputFile="$(realpath -m "$out")"
echo "$key" > "$out.key"
