#!/usr/bin/env bash
# GET /address of the address service under concurrent load (wrk, closed loop, keep-alive):
# requests per second and latency percentiles. The service and wrk share the machine's cores.
# JAR picks another build of the service (e.g. an older one, for a before/after comparison).
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/wrk-load.sh
JAR=${JAR:-address-service/target/address-service.jar}

log=$(mktemp)
java -jar "$JAR" --port 0 >"$log" 2>&1 &
service=$!
trap 'kill -TERM $service 2>/dev/null; wait $service 2>/dev/null || true; rm -f "$log"' EXIT # the service ends by SIGTERM (143): not a failure

port=$(await_port "address service" "$log" $service 0.0.0.0)
wrk_load "address-service GET /address" address-service "http://127.0.0.1:$port/address" \
  "address service GET" "≥ 60000" $service
