#!/usr/bin/env bash
# GET /v1/values/{name} of the discovery service (JSON API, embedded store) under concurrent load
# (wrk, closed loop, keep-alive): requests per second and latency percentiles. The name holds a few
# values, put before the run. The service and wrk share the machine's cores.
# JAR picks another build of the service (e.g. an older one, for a before/after comparison).
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/wrk-load.sh
JAR=${JAR:-discovery-service/target/discovery-service.jar}

log=$(mktemp)
data=$(mktemp -d)
java -jar "$JAR" --port 0 --bind 127.0.0.1 --store "embedded:$data/store" >"$log" 2>&1 &
service=$!
trap 'kill -TERM $service 2>/dev/null; wait $service 2>/dev/null || true; rm -rf "$log" "$data"' EXIT # the service ends by SIGTERM (143): not a failure

port=$(await_port "discovery service" "$log" $service 127.0.0.1)
url="http://127.0.0.1:$port/v1/values/bench-peer"
for i in 1 2 3 4; do
  curl -sf -o /dev/null -H 'Content-Type: application/json' \
    --data "{\"value\":\"wss://peer-$i.example:7041/\",\"ttl\":3600}" "$url"
done
wrk_load "discovery-service GET /v1/values/{name} (4 values)" discovery-service "$url" \
  "discovery JSON GET" "≥ 30000" $service
