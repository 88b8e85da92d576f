#!/usr/bin/env bash
# GET /address of the address service under concurrent load (wrk, closed loop, keep-alive):
# requests per second and latency percentiles. The service and wrk share the machine's cores.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
JAR=${JAR:-address-service/target/address-service.jar} # another build, e.g. for a before/after comparison

log=$(mktemp)
java -jar "$JAR" --port 0 >"$log" 2>&1 &
service=$!
trap 'kill -TERM $service 2>/dev/null; wait $service 2>/dev/null || true; rm -f "$log"' EXIT # the service ends by SIGTERM (143): not a failure

deadline=$((SECONDS + 30))
until port=$(grep -oE 'listening on http://0\.0\.0\.0:[0-9]+' "$log" | grep -oE '[0-9]+$'); do
  if ((SECONDS > deadline)) || ! kill -0 $service 2>/dev/null; then
    echo "address service did not start:" >&2; cat "$log" >&2; exit 1
  fi
  sleep 0.1
done

url="http://127.0.0.1:$port/address"
wrk -t1 -c4 -d2s "$url" >/dev/null # warm-up (JIT)
sleep 1 # lets the server count the warm-up connections out: the run uses all 64 a client may hold
out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$url")
rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
errors=$(grep -E 'Non-2xx|Socket errors' <<<"$out" || true)
echo "address-service GET /address, wrk $THREADS threads x $CONNECTIONS connections, $DURATION"
printf '%-20s %12s %10s %10s\n' "" "requests/s" "p50" "p99"
printf '%-20s %12s %10s %10s\n' "address-service" "$rps" "$p50" "$p99"
[[ -z $errors ]] || echo "$errors"
if [[ -n ${BENCH_SUMMARY:-} ]]; then
  printf '%s\t%s\t%s\t%s\n' "address service GET, wrk $CONNECTIONS connections (/s)" "${rps%.*}" "≥ 60000" \
    "p50 $p50, p99 $p99${errors:+; $errors}" >>"$BENCH_SUMMARY"
fi
