#!/usr/bin/env bash
# Runs the whole stack in the foreground: host runtime, address service, discovery service and
# the demo site. Ctrl-C (or SIGTERM) stops everything; if one part dies, the rest is stopped too.
set -euo pipefail
cd "$(dirname "$0")/.."

CONTROL_PORT=${CONTROL_PORT:-7040}
PUBLIC_PORT=${PUBLIC_PORT:-7041}
ADDRESS_PORT=${ADDRESS_PORT:-7050}
DISCOVERY_PORT=${DISCOVERY_PORT:-7060}
SITE_PORT=${SITE_PORT:-8080}
GAME_PORT=${GAME_PORT:-8090}
RELAY_CONTROL_PORT=${RELAY_CONTROL_PORT:-7042}
RELAY_PORT=${RELAY_PORT:-7043}
STATE_DIR=${STATE_DIR:-.run}
mkdir -p "$STATE_DIR"

pids=()       # the parts
prefixers=()  # the processes that put "[name] " in front of each part's lines
stopped=0
stop() {
  ((stopped)) && return
  stopped=1
  # The parts run in the background of a script, so Ctrl-C does not reach them: SIGTERM does.
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait "${pids[@]}" 2>/dev/null || true
  # A prefixer ends once its part has closed its output, i.e. after the part's last line.
  for pid in "${prefixers[@]}"; do
    while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
  done
  echo "stack stopped"
}
trap 'stop; exit 0' INT TERM
trap stop EXIT

start() { # name, command...
  local name=$1 out; shift
  # Ctrl-C signals every process of the terminal's process group, the prefixers too: they ignore
  # it, so that they live to print the parts' last lines (e.g. "stopped").
  exec {out}> >(trap '' INT; exec sed -u "s/^/[$name] /")
  prefixers+=($!)
  "$@" >&"$out" 2>&1 {out}>&- &
  pids+=($!)
  exec {out}>&-
}

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A relay of its own on this machine: the runtime registers with it, so pages are also reachable
# through it, and it keeps copies of what they serve (the notes demo stays readable with its tab closed).
start relay java -jar host-runtime/target/host-runtime.jar --relay --no-port-mapping \
  --control-port "$RELAY_CONTROL_PORT" --public-port "$RELAY_PORT" --config-dir "$STATE_DIR/relay" \
  --relay-cache-dir "$STATE_DIR/relay-cache"
# RUNTIME_FLAGS: more flags for the runtime, e.g. "--no-port-mapping" or "--via-relay ws://relay:7041".
read -r -a runtime_flags <<< "${RUNTIME_FLAGS:-}"
start runtime java -jar host-runtime/target/host-runtime.jar --control-port "$CONTROL_PORT" \
  --public-port "$PUBLIC_PORT" --allow-origin "http://localhost:$SITE_PORT" --allow-origin "http://127.0.0.1:$SITE_PORT" \
  --allow-origin "http://localhost:$GAME_PORT" \
  --via-relay "ws://127.0.0.1:$RELAY_PORT" "${runtime_flags[@]}"
# The address and discovery services listen on loopback only, unless BIND="…" names other addresses
# (or "*" for all; keep 127.0.0.1 among them, as the checks below connect there).
read -r -a service_binds <<< "${BIND:-127.0.0.1 ::1}"
bind_flags=(); for address in "${service_binds[@]}"; do bind_flags+=(--bind "$address"); done
start address java -jar address-service/target/address-service.jar --port "$ADDRESS_PORT" "${bind_flags[@]}"
start discovery java -jar discovery-service/target/discovery-service.jar --port "$DISCOVERY_PORT" \
  --store "embedded:$STATE_DIR/discovery" "${bind_flags[@]}"
start demo-site java -jar browsersocket-api/target/browsersocket-api-demo-site.jar --port "$SITE_PORT" \
  --runtime "http://127.0.0.1:$CONTROL_PORT" --address-service-v4 "http://127.0.0.1:$ADDRESS_PORT" \
  --address-service-v6 "http://[::1]:$ADDRESS_PORT" --discovery-service "http://127.0.0.1:$DISCOVERY_PORT" \
  --relay "http://127.0.0.1:$RELAY_PORT"

# The swarm demo: a game site whose visitors' pages serve its assets to each other, checked against
# the manifest it signs (the key is made once, in $STATE_DIR/swarm/game.key).
mkdir -p "$STATE_DIR/swarm"
start game java -jar swarm/target/swarm-manifest.jar serve "$STATE_DIR/swarm/game" --demo --port "$GAME_PORT" \
  --runtime "http://127.0.0.1:$CONTROL_PORT" --discovery "http://127.0.0.1:$DISCOVERY_PORT"

deadline=$((SECONDS + 60))
for port in "$RELAY_PORT" "$CONTROL_PORT" "$PUBLIC_PORT" "$ADDRESS_PORT" "$DISCOVERY_PORT" "$SITE_PORT" "$GAME_PORT"; do
  until listening "$port"; do
    if ((SECONDS > deadline)); then echo "port $port did not open within 60 s" >&2; exit 1; fi
    for pid in "${pids[@]}"; do
      kill -0 "$pid" 2>/dev/null || { echo "a part of the stack failed to start (see above)" >&2; exit 1; }
    done
    sleep 0.1
  done
done

cat <<MSG

BrowserSocket is running. Open:
  chat demo       http://localhost:$SITE_PORT/chat/    (host a room in one window, join from another)
  notes demo      http://localhost:$SITE_PORT/notes/   (a tab that serves web pages; readable through the relay when closed)
  Unite blog      http://localhost:$SITE_PORT/unite-blog/  (Opera Unite's blog example, unmodified)
  echo example    http://localhost:$SITE_PORT/echo/
  address demo    http://localhost:$SITE_PORT/address/  (asks the address service from JavaScript)
  swarm demo      http://localhost:$GAME_PORT/   (a game whose assets come from other visitors' pages: open it in two browsers)
  runtime status  http://127.0.0.1:$CONTROL_PORT/
  relay status    http://127.0.0.1:$RELAY_CONTROL_PORT/   (the local relay at http://127.0.0.1:$RELAY_PORT/)
  address service http://localhost:$ADDRESS_PORT/
  discovery       http://localhost:$DISCOVERY_PORT/   (its API, a lookup box, a live watch)
  (address service and discovery listen on ${service_binds[*]}; BIND='*' make run: every interface)
For pages on your own https site: browsersocket-api/target/npm/browsersocket/ (the library as
a file your site serves) or the browser extension in browsersocket-api/target/extension/browsersocket/
(README: "Using BrowserSocket from your own site").
Press Ctrl-C to stop.

MSG
wait -n "${pids[@]}" || true
echo "a part of the stack exited; stopping the rest" >&2
exit 1
