#!/usr/bin/env bash
# Builds paper/browsersocket.pdf from paper/browsersocket.tex and the experiment results the
# harness wrote under paper/results/ (CSV files and <name>.env.json files).
#
#   tools/build-paper.sh            check results, write results/environment.tex, build the PDF
#
# Steps: (1) every result CSV the paper reads must exist with its exact header and at least one
# row of the right width; (2) one env file becomes paper/results/environment.tex (\envCpu,
# \envCores, \envMemory in GiB, \envJvm, \envChromium, \envNode, \envCommit, \envDate, \envQuick);
# (3) TeX Live with pgfplots must be installed -- as root the missing Debian packages are
# installed, otherwise the script says which and exits 1; (4) pdflatex runs until the references
# settle (two to four passes); a LaTeX error
# prints the relevant log lines and exits non-zero. Needs only bash, sed, awk and coreutils.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PAPER=$ROOT/paper
RESULTS=$PAPER/results
JOB=browsersocket
START_NS=$(date +%s%N)

say() { echo "paper: $*"; }
die() { echo "paper: $*" >&2; exit 1; }
elapsed() { local ns=$(( $(date +%s%N) - START_NS )); printf '%d.%01d s' $((ns / 1000000000)) $((ns / 100000000 % 10)); }

# ------------------------------------------------------------------ 1. result files
declare -A HEADERS=(
  [e1_latency]="message_bytes,page_median_us,page_ci_low_us,page_ci_high_us,page_p99_us,relay_median_us,relay_ci_low_us,relay_ci_high_us,relay_p99_us,java_median_us,java_ci_low_us,java_ci_high_us,java_p99_us,node_median_us,node_ci_low_us,node_ci_high_us,node_p99_us,bounce_median_us,bounce_ci_low_us,bounce_ci_high_us,bounce_p99_us,ratio_java_median,ratio_java_p99,ratio_node_median,ratio_node_p99,ratio_relay_median,ratio_relay_p99,floor_median_us,ratio_floor_median,ratio_relay_floor_median,repetitions,samples_per_server,page_stalled,relay_stalled,java_stalled,node_stalled"
  [e1_latency_cdf]="message_bytes,percentile,page_us,relay_us,java_us,node_us,bounce_us"
  [e2_throughput]="message_bytes,clients,page_msgs_per_s,page_mb_per_s,relay_msgs_per_s,relay_mb_per_s,java_msgs_per_s,java_mb_per_s,node_msgs_per_s,node_mb_per_s,ratio_java,ratio_node,ratio_relay,page_ci_low_msgs_per_s,page_ci_high_msgs_per_s,page_lost,relay_ci_low_msgs_per_s,relay_ci_high_msgs_per_s,relay_lost,java_ci_low_msgs_per_s,java_ci_high_msgs_per_s,java_lost,node_ci_low_msgs_per_s,node_ci_high_msgs_per_s,node_lost,repetitions,window_s"
  [e3_scale]="connections,page_connect_per_s,native_connect_per_s,runtime_rss_mb,runtime_growth_mb,runtime_slope_bytes_per_connection,native_rss_mb,native_growth_mb,native_slope_bytes_per_connection,page_heap_bytes_per_connection,browser_rss_growth_mb,page_median_us,page_p99_us,native_median_us,native_p99_us,samples,connect_failures,native_connect_failures,runtime_settle_s,native_settle_s"
  [e4_setup]="measure,server,median_ms,ci_low_ms,ci_high_ms,p99_ms,samples,failures,rounds,ratio_java_median"
  [e5_browser]="participants,page_median_ms,page_ci_low_ms,page_ci_high_ms,page_p99_ms,native_median_ms,native_ci_low_ms,native_ci_high_ms,native_p99_ms,ratio_median,samples_per_relay,clock_resolution_us"
  [e6_discovery]="op,embedded_ops_per_s,embedded_p50_ms,embedded_p99_ms,redis_ops_per_s,redis_p50_ms,redis_p99_ms,ratio_ops,embedded_cpu_us_per_op,redis_cpu_us_per_op,embedded_ci_low_ops_per_s,embedded_ci_high_ops_per_s,redis_ci_low_ops_per_s,redis_ci_high_ops_per_s,rounds"
  [e7_addressing]="topology,kind,attempts,successes,discovery_ms,connect_ms,winner,detail"
  [e7_relay_cost]="topology,metric,attempted,direct_samples,relay_samples,direct,relay,ratio"
  [e8_http]="target,body_bytes,connections,repetitions,requests,requests_per_s,p50_us,p90_us,p99_us,failures,sent,page_requests,page_share,cpu_us_per_request,client_cores,machine_cores,ratio_rps,ratio_p50,ratio_p99,ratio_rps_page,median_rps,ci_low_rps,ci_high_rps"
  [e8_swarm]="phase,visitor,mode,load_ms,origin_bytes,peer_bytes,offload,origin_server_bytes,altered_accepted,rejected,peer_failures,machine_cpu_ms"
  [e9_offered_load]="server,offered_per_s,achieved_per_s,median_us,median_ci_low_us,median_ci_high_us,p99_us,p999_us,sent,lost,saturated,repetitions"
)
problems=()
for name in e1_latency e1_latency_cdf e2_throughput e3_scale e4_setup e5_browser e6_discovery e7_addressing e7_relay_cost e8_http e8_swarm e9_offered_load; do
  csv=$RESULTS/$name.csv
  if [[ ! -s $csv ]]; then
    problems+=("$name.csv is missing or empty")
    continue
  fi
  header=$(head -n 1 "$csv" | tr -d '\r')
  if [[ $header != "${HEADERS[$name]}" ]]; then
    problems+=("$name.csv header is '$header', expected '${HEADERS[$name]}'")
    continue
  fi
  # Every row has as many fields as the header (a comma in a free-text cell would shift columns);
  # every measured cell is a finite number (no NaN, Infinity or blank), except E7's two timings,
  # which are empty for a row with no success (timeouts are failures, not times), E3's two
  # slopes, which the first level has none of (a slope is between two levels), and E8b's load CPU
  # time, which its version row (no one page's load) has none of.
  bad=$(tr -d '\r' < "$csv" | awk -F, -v n="$name" '
    function text_column(i) {
      return (n == "e6_discovery" || n == "e9_offered_load") && i == 1 || n == "e4_setup" && i <= 2 ||
             n == "e7_addressing" && (i <= 2 || i >= 7) || n == "e7_relay_cost" && i <= 2 || n == "e8_http" && i == 1 ||
             n == "e8_swarm" && i <= 3
    }
    NR == 1 { width = NF; for (i = 1; i <= NF; i++) col[i] = $i; next }
    /^[[:space:]]*$/ { printf "line %d is blank; ", NR; next }
    NF != width { printf "line %d has %d fields, not %d; ", NR, NF, width; next }
    { rows++
      for (i = 1; i <= NF; i++) {
        if (text_column(i)) { if ($i == "") printf "line %d: %s is empty; ", NR, col[i]; continue }
        if (n == "e7_addressing" && (i == 5 || i == 6) && $i == "") continue
        if (n == "e8_swarm" && col[i] == "machine_cpu_ms" && $1 == "version" && $i == "") continue
        if (n == "e3_scale" && NR == 2 && (col[i] == "runtime_slope_bytes_per_connection" || col[i] == "native_slope_bytes_per_connection") && $i == "") continue
        if (n == "e3_scale" && col[i] == "browser_rss_growth_mb" && $i == "") continue
        if (n == "e9_offered_load" && $11 == "1" && $i == "") continue
        if ($i !~ /^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/) printf "line %d: %s is \"%s\", not a number; ", NR, col[i], $i
      } }
    END { if (rows == 0) printf "no data rows; " }')
  [[ -z $bad ]] || problems+=("$name.csv: ${bad%; }")
done
if (( ${#problems[@]} )); then
  printf 'paper: %s\n' "${problems[@]}" >&2
  die "the results under paper/results/ are not what the paper reads (above): run the experiments first"
fi

# ------------------------------------------------------------------ 2. environment.tex
ENV_FILE=$RESULTS/e1_latency.env.json
if [[ ! -s $ENV_FILE ]]; then
  ENV_FILE=$(ls "$RESULTS"/*.env.json 2>/dev/null | head -n 1 || true)
  [[ -n $ENV_FILE ]] || die "no <experiment>.env.json under paper/results/: run the experiments first"
fi

# The value of a key of a flat JSON object: strings unescaped, numbers/true/false as written.
json_value() { # file key
  local json raw
  json=$(tr '\n\r\t' '   ' < "$1")
  raw=$(printf '%s' "$json" | sed -n 's/.*"'"$2"'"[[:space:]]*:[[:space:]]*"\(\([^"\\]\|\\.\)*\)".*/\1/p')
  if [[ -n $raw ]]; then
    printf '%s' "$raw" | sed -e 's/\\\\/\x02/g' -e 's/\\"/"/g' -e 's/\\\//\//g' -e 's/\\[bfnrt]/ /g' \
      -e 's/\\u[0-9a-fA-F]\{4\}/?/g' -e 's/\x02/\\/g'
  else
    printf '%s' "$json" | sed -n 's/.*"'"$2"'"[[:space:]]*:[[:space:]]*\(-\{0,1\}[0-9][0-9.eE+-]*\|true\|false\).*/\1/p'
  fi
}
# Text made safe for LaTeX: its special characters become their escaped forms.
latex_escape() {
  sed -e 's/\\/\x01/g' -e 's/\([{}#$%&_]\)/\\\1/g' -e 's/~/\\textasciitilde{}/g' \
      -e 's/\^/\\textasciicircum{}/g' -e 's/\x01/\\textbackslash{}/g'
}
value_or_unknown() { local v; v=$(json_value "$1" "$2"); printf '%s' "${v:-unknown}"; }

cpu=$(value_or_unknown "$ENV_FILE" cpu_model)
cores=$(value_or_unknown "$ENV_FILE" cores)
memory_bytes=$(json_value "$ENV_FILE" memory_bytes)
if [[ $memory_bytes =~ ^[0-9]+$ ]]; then
  tenths=$(( (memory_bytes * 10 + (1 << 29)) / (1 << 30) ))
  memory=$(printf '%d.%d' $((tenths / 10)) $((tenths % 10)))
else
  memory=unknown
fi
jvm=$(value_or_unknown "$ENV_FILE" jvm)
chromium=$(value_or_unknown "$ENV_FILE" chromium)
node=$(value_or_unknown "$ENV_FILE" node)
commit=$(value_or_unknown "$ENV_FILE" git_commit)
raw_date=$(value_or_unknown "$ENV_FILE" date)
date=$(date -u -d "$raw_date" '+%Y-%m-%d %H:%M UTC' 2>/dev/null || printf '%s' "$raw_date")
# Quick if any experiment ran in quick mode; warn when the experiments ran on different commits.
quick=false
commits=()
for f in "$RESULTS"/*.env.json; do
  [[ $(json_value "$f" quick) == true ]] && quick=true
  commits+=("$(value_or_unknown "$f" git_commit)")
done
distinct=$(printf '%s\n' "${commits[@]}" | sort -u | tr '\n' ' ')
[[ $(printf '%s\n' "${commits[@]}" | sort -u | wc -l) -le 1 ]] ||
  say "warning: the experiments ran on different commits: $distinct(the paper names $commit)"

macro() { printf '\\newcommand{\\%s}{%s}\n' "$1" "$(printf '%s' "$2" | latex_escape)"; }
{
  echo "% Generated by tools/build-paper.sh from ${ENV_FILE#"$PAPER"/}; do not edit."
  macro envCpu "$cpu"
  macro envCores "$cores"
  macro envMemory "$memory"
  macro envJvm "$jvm"
  macro envChromium "$chromium"
  macro envNode "$node"
  macro envCommit "$commit"
  macro envDate "$date"
  macro envQuick "$quick"
} > "$RESULTS/environment.tex"
say "environment from ${ENV_FILE#"$ROOT"/}: $cpu, $cores cores, $memory GiB, commit $commit, quick=$quick"

# ------------------------------------------------------------------ 3. TeX Live
# The LaTeX packages the paper uses and the Debian 12 packages that hold them.
STY_FILES=(article.cls geometry.sty hyperref.sty url.sty mathptmx.sty helvet.sty courier.sty
           booktabs.sty caption.sty microtype.sty xcolor.sty listings.sty
           pgfplots.sty pgfplotstable.sty tikz.sty)
TEX_PACKAGES=(texlive-latex-base texlive-latex-recommended texlive-pictures texlive-fonts-recommended)
tex_missing() {
  command -v pdflatex >/dev/null 2>&1 || { echo pdflatex; return; }
  command -v kpsewhich >/dev/null 2>&1 || { echo kpsewhich; return; }
  local f
  for f in "${STY_FILES[@]}" ptmr8t.tfm; do
    [[ -n $(kpsewhich "$f" 2>/dev/null) ]] || echo "$f"
  done
}
missing=$(tex_missing | tr '\n' ' ')
if [[ -n $missing ]]; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    say "TeX is missing ($missing); installing ${TEX_PACKAGES[*]}"
    install_start=$(date +%s)
    export DEBIAN_FRONTEND=noninteractive
    # A mirror sometimes answers one update badly: try again once, then go on with the lists we have.
    apt-get update -q >/dev/null || { sleep 3; apt-get update -q >/dev/null; } ||
      say "warning: apt-get update failed; trying the package lists already on this machine"
    apt-get install -y -q --no-install-recommends "${TEX_PACKAGES[@]}" >/dev/null ||
      die "apt-get install ${TEX_PACKAGES[*]} failed (above)"
    say "installed TeX in $(( $(date +%s) - install_start )) s"
    missing=$(tex_missing | tr '\n' ' ')
    [[ -z $missing ]] || die "still missing after installing: $missing"
  else
    echo "paper: TeX is missing ($missing). Install, as root:" >&2
    echo "  apt-get install -y --no-install-recommends ${TEX_PACKAGES[*]}" >&2
    exit 1
  fi
fi

# ------------------------------------------------------------------ 4. pdflatex, until stable
# At least twice (references, and the E2 legend drawn from the .aux file), and again while LaTeX
# says labels moved, at most four times.
cd "$PAPER"
rm -f "$JOB.pdf"
for pass in 1 2 3 4; do
  if (( pass > 2 )) && ! grep -q 'Rerun to get' "$JOB.log"; then
    break
  fi
  if ! pdflatex -interaction=nonstopmode -halt-on-error -file-line-error "$JOB.tex" >/dev/null 2>&1; then
    echo "paper: pdflatex failed (pass $pass); from paper/$JOB.log:" >&2
    # The error lines (file:line: message, or "! message") and the context LaTeX gave with them.
    grep -n -A 6 -E '^(\./[^:]*:[0-9]+: |! )' "$JOB.log" | head -n 40 >&2 ||
      tail -n 30 "$JOB.log" >&2
    exit 2
  fi
done
pages=$(sed -n 's/^Output written on .* (\([0-9]*\) pages\{0,1\},.*/\1/p' "$JOB.log")
warnings=$(grep -c -E '^(LaTeX|Package [a-zA-Z]*) Warning' "$JOB.log" || true)
undefined=$(grep -c -E 'undefined (references|citation)|Reference .* undefined|Citation .* undefined' "$JOB.log" || true)
overfull=$(grep -c -E '^(Overfull|Underfull) \\[hv]box' "$JOB.log" || true)
say "built paper/$JOB.pdf (${pages:-?} pages) in $(elapsed)"
# A paper that overflows its margins or points at nothing is not finished: say where, and fail.
if (( undefined + warnings + overfull > 0 )); then
  grep -n -E '^(Overfull|Underfull) \\[hv]box|^(LaTeX|Package [a-zA-Z]*) Warning' "$JOB.log" | head -n 20 >&2
  die "$undefined undefined references or citations, $warnings LaTeX warnings, $overfull overfull or underfull boxes (above; paper/$JOB.log)"
fi
