# Sourced by the wrk benchmarks (bench-address.sh, bench-discovery.sh): waits for a service's
# port in its log, then loads one URL with wrk and reports it (and records it in BENCH_SUMMARY).
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}

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

# wrk_load TITLE LABEL URL MEASURE GOAL: a warm-up, then the measured run; prints a small table.
wrk_load() {
  local title=$1 label=$2 url=$3 measure=$4 goal=$5 out rps p50 p99 errors
  wrk -t1 -c4 -d2s "$url" >/dev/null # warm-up (JIT)
  sleep 1 # lets the server count the warm-up connections out: the run uses all 64 a client may hold
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$url")
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  errors=$(grep -E 'Non-2xx|Socket errors' <<<"$out" || true)
  echo "$title, wrk $THREADS threads x $CONNECTIONS connections, $DURATION"
  printf '%-20s %12s %10s %10s\n' "" "requests/s" "p50" "p99"
  printf '%-20s %12s %10s %10s\n' "$label" "$rps" "$p50" "$p99"
  [[ -z $errors ]] || echo "$errors"
  if [[ -n ${BENCH_SUMMARY:-} ]]; then
    printf '%s\t%s\t%s\t%s\n' "$measure, wrk $CONNECTIONS connections (/s)" "${rps%.*}" "$goal" \
      "p50 $p50, p99 $p99${errors:+; $errors}" >>"$BENCH_SUMMARY"
  fi
}
