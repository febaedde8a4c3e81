#!/usr/bin/env bash
# JMH microbenchmarks of the job's hot paths. Builds the bench module (and what it needs) from this
# tree, then runs JMH; arguments go to JMH, e.g.
#   bench/run.sh                      # every benchmark, 1 fork, 3 × 1 s warm-up, 5 × 1 s measured
#   bench/run.sh ForecastBench.score -p batch=1,128
#   bench/run.sh -l                   # list them
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mkdir -p "$ROOT/.shadowscale"
echo "Building the benchmarks (log: .shadowscale/bench-build.log) ..." >&2
if ! (cd "$ROOT" && mvn -B -q -pl bench -am -DskipTests package >"$ROOT/.shadowscale/bench-build.log" 2>&1); then
  echo "error: the build failed; see $ROOT/.shadowscale/bench-build.log" >&2
  exit 1
fi
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
exec "$JAVA" -cp "$ROOT/bench/target/classes:$(cat "$ROOT/bench/target/bench-classpath.txt")" org.openjdk.jmh.Main "$@"
