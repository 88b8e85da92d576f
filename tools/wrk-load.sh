# Sourced by the wrk benchmarks (bench-address.sh, bench-discovery.sh): waits for a service's
# port in its log, then loads one URL with wrk through the bench jar's wrk-load (a warm-up until
# the rate is steady, then the measured run) and reports it (and records it in BENCH_SUMMARY).
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-64}
BENCH_JAR=${BENCH_JAR:-selenium-tests/target/selenium-tests.jar}

# await_port NAME LOG PID HOST: prints the port the service logged it listens on (30 s at most).
await_port() {
  local name=$1 log=$2 pid=$3 host=${4//./\\.} deadline=$((SECONDS + 30)) port
  until port=$(grep -oE "listening on http://$host:[0-9]+" "$log" | grep -oE '[0-9]+$'); do
    if ((SECONDS > deadline)) || ! kill -0 "$pid" 2>/dev/null; then
      echo "$name did not start:" >&2; cat "$log" >&2; return 1
    fi
    sleep 0.1
  done
  echo "$port"
}

# wrk_load TITLE LABEL URL MEASURE GOAL PID: warm-up until steady, the measured run, a small table
# (with the CPU time process PID spent per request).
wrk_load() {
  java -cp "$BENCH_JAR" org.browsersocket.bench.WrkLoad --title "$1" --label "$2" --measure "$4" --goal "$5" \
    --server-pid "$6" --connections "$CONNECTIONS" --seconds "$DURATION" "$3"
}
