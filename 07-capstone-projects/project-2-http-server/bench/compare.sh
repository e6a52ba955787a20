#!/usr/bin/env bash
# Compares the `webserver` capstone with nginx, on this machine, in one run.
#
# What it does, all on 127.0.0.1 and bounded in time:
#   1. installs wrk and nginx-light with apt-get if they are missing;
#   2. builds `webserver` in release mode;
#   3. writes a 1 KiB and a 1 MiB file into a temporary root;
#   4. starts nginx (2 workers, access_log off, sendfile on, every path inside the temp dir,
#      running as the current user) and our server, each on a free loopback port;
#   5. runs wrk for each file at 64 and 256 connections, keep-alive on and off, against both
#      servers back to back, and prints requests/s, transfer/s and the ratio ours/nginx;
#   6. checks that no run had a non-2xx response or a socket error;
#   7. slow-client check: 32 clients each sending one header byte per second while a normal
#      request is timed, and the server's memory with 256 such clients.
#
# Usage: bench/compare.sh            (from anywhere; takes about 3 minutes)
# Knobs (environment): DURATION=10 (seconds per wrk run), WRK_THREADS=2, THREADS (our workers),
# FILES="1k 1m", CONNS="64 256", MODES="on off" (keep-alive), SLOW=1 (0 skips step 7),
# REPEAT=1: run each pair (nginx then ours) this many times and report the medians, which
# helps on a machine shared with other work.
#
# Learner mode (`cargo course bench p2`, see GUIDE.md): with COURSE_LEARNER_CRATE set, the
# learner's crate is built too (release, into COURSE_LEARNER_TARGET_DIR) and measured in every
# cell beside this reference and nginx, and each measurement is also printed on stdout as
#   RESULT<TAB>case<TAB>subject<TAB>req/s<TAB>req/s<TAB>higher
# with subject `learner`, `reference` or `nginx`. COURSE_REFERENCE_CRATE overrides the reference
# crate's path; COURSE_QUICK=1 runs a few short cells (1 KiB, 64 connections, keep-alive on and
# off, 3 s each, no slow-client check) unless the knobs above are set.
set -euo pipefail

LEARNER_CRATE=${COURSE_LEARNER_CRATE:-}
if [ "${COURSE_QUICK:-0}" = 1 ]; then
    DURATION=${DURATION:-3}
    FILES=${FILES:-1k}
    CONNS=${CONNS:-64}
    SLOW=${SLOW:-0}
fi

DURATION=${DURATION:-10}
WRK_THREADS=${WRK_THREADS:-2}
FILES=${FILES:-1k 1m}
CONNS=${CONNS:-64 256}
MODES=${MODES:-on off}
SLOW=${SLOW:-1}
REPEAT=${REPEAT:-1}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CRATE=${COURSE_REFERENCE_CRATE:-$(dirname "$HERE")}

# --- 1. tools ---------------------------------------------------------------------------------
need_apt_update=1
install_if_missing() { # command package
    if ! command -v "$1" >/dev/null 2>&1; then
        local sudo=""
        [ "$(id -u)" -ne 0 ] && sudo="sudo"
        if [ "$need_apt_update" = 1 ]; then
            $sudo apt-get update -qq
            need_apt_update=0
        fi
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$2" >/dev/null
    fi
}
install_if_missing wrk wrk
install_if_missing nginx nginx-light
install_if_missing curl curl
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

# --- 2. build -----------------------------------------------------------------------------------
echo "Building webserver (release)..." >&2
(cd "$CRATE" && cargo build --release --quiet -p webserver)
TARGET_DIR=${CARGO_TARGET_DIR:-$(cd "$CRATE" && cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')}
OURS="$TARGET_DIR/release/webserver"
[ -x "$OURS" ] || { echo "no binary at $OURS" >&2; exit 1; }
if [ -n "$LEARNER_CRATE" ]; then
    # The learner's crate has the same package and binary name, so it gets a target directory
    # of its own; otherwise one build would overwrite the other's binary.
    LEARNER_TARGET=${COURSE_LEARNER_TARGET_DIR:-$LEARNER_CRATE/target}
    echo "Building the learner's webserver (release) from $LEARNER_CRATE..." >&2
    (cd "$LEARNER_CRATE" && CARGO_TARGET_DIR="$LEARNER_TARGET" cargo build --release --quiet -p webserver)
    LEARNER="$LEARNER_TARGET/release/webserver"
    [ -x "$LEARNER" ] || { echo "no binary at $LEARNER" >&2; exit 1; }
    [ "$(realpath "$LEARNER")" != "$(realpath "$OURS")" ] || {
        echo "the learner's binary and the reference's are the same file ($OURS)" >&2
        exit 1
    }
fi

# --- 3. files -----------------------------------------------------------------------------------
WORK=$(mktemp -d)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -p "$WORK/www" "$WORK/nginx/tmp" "$WORK/nginx/logs"
head -c 1024 /dev/urandom >"$WORK/www/1k.bin"
head -c $((1024 * 1024)) /dev/urandom >"$WORK/www/1m.bin"
ulimit -n 65536 2>/dev/null || ulimit -n 4096 2>/dev/null || true

free_port() {
    local port
    while :; do
        port=$((20000 + RANDOM % 20000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return
        fi
    done
}

wait_for() { # port
    for _ in $(seq 100); do
        curl -s -o /dev/null "http://127.0.0.1:$1/1k.bin" && return 0
        sleep 0.1
    done
    echo "server on port $1 did not start" >&2
    exit 1
}

# --- 4. servers ---------------------------------------------------------------------------------
NGINX_PORT=$(free_port)
OUR_PORT=$(free_port)
while [ "$OUR_PORT" = "$NGINX_PORT" ]; do OUR_PORT=$(free_port); done
LEARNER_PORT=$(free_port)
while [ "$LEARNER_PORT" = "$NGINX_PORT" ] || [ "$LEARNER_PORT" = "$OUR_PORT" ]; do LEARNER_PORT=$(free_port); done

user_line=""
if [ "$(id -u)" -eq 0 ]; then
    # As root the workers would switch to `nobody`; keep them as the current user instead.
    user_line="user $(id -un) $(id -gn);"
fi
temp_paths=""
for module in proxy fastcgi uwsgi scgi; do
    if ! "$NGINX" -V 2>&1 | grep -q -- "--without-http_${module}_module"; then
        temp_paths+="    ${module}_temp_path $WORK/nginx/tmp/$module;"$'\n'
    fi
done
cat >"$WORK/nginx/nginx.conf" <<EOF
$user_line
worker_processes 2;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log;
events { worker_connections 4096; }
http {
    access_log off;
    sendfile on;
    keepalive_requests 1000000;
    default_type application/octet-stream;
    client_body_temp_path $WORK/nginx/tmp/body;
$temp_paths
    server {
        listen 127.0.0.1:$NGINX_PORT;
        root $WORK/www;
    }
}
EOF
"$NGINX" -p "$WORK/nginx" -e "$WORK/nginx/logs/error.log" -c "$WORK/nginx/nginx.conf" -g 'daemon off;' &
PIDS+=($!)
NGINX_PID=$!
thread_args=()
[ -n "${THREADS:-}" ] && thread_args=(--threads "$THREADS")
"$OURS" --root "$WORK/www" --addr "127.0.0.1:$OUR_PORT" --quiet "${thread_args[@]}" >/dev/null &
PIDS+=($!)
OUR_PID=$!
if [ -n "$LEARNER_CRATE" ]; then
    "$LEARNER" --root "$WORK/www" --addr "127.0.0.1:$LEARNER_PORT" --quiet "${thread_args[@]}" >/dev/null &
    PIDS+=($!)
    LEARNER_PID=$!
fi
wait_for "$NGINX_PORT"
wait_for "$OUR_PORT"
[ -z "$LEARNER_CRATE" ] || wait_for "$LEARNER_PORT"

# --- 5./6. wrk ----------------------------------------------------------------------------------
FAILURES=0
# Runs wrk and prints "requests_per_s transfer_bytes_per_s bad" (bad = non-2xx + socket errors).
run_wrk() { # port file connections keepalive(on|off)
    local extra=()
    [ "$4" = off ] && extra=(-H 'Connection: close')
    local out
    out=$(wrk -t"$WRK_THREADS" -c"$3" -d"${DURATION}s" "${extra[@]}" "http://127.0.0.1:$1/$2" 2>&1)
    local rps transfer non2xx socket
    rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
    transfer=$(awk '/^Transfer\/sec:/ {print $2}' <<<"$out")
    non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' <<<"$out")
    socket=$(awk '/Socket errors:/ {gsub(",", ""); print $4 + $6 + $8 + $10}' <<<"$out")
    echo "${rps:-0} ${transfer:-0} $(( ${non2xx:-0} + ${socket:-0} ))"
}

to_bytes() { # wrk size like 1.23MB
    awk -v s="$1" 'BEGIN {
        n = s + 0; u = s; sub(/^[0-9.]+/, "", u)
        m = (u == "KB") ? 1024 : (u == "MB") ? 1048576 : (u == "GB") ? 1073741824 : 1
        printf "%.0f", n * m }'
}

to_mib() { awk -v b="$(to_bytes "$1")" 'BEGIN {printf "%.1f", b / 1048576}'; }
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
result() { printf 'RESULT\t%s\t%s\t%s\treq/s\thigher\n' "$1" "$2" "$3"; } # case subject value

echo
echo "wrk -t$WRK_THREADS -d${DURATION}s on 127.0.0.1, median of $REPEAT run(s); nginx $("$NGINX" -v 2>&1 | sed 's/.*nginx\///') (2 workers) vs webserver"
echo "$(nproc) CPUs; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
printf '| %-4s | %-5s | %-10s | %12s | %12s | %6s | %12s | %12s | %6s | %s |\n' \
    file conns keep-alive "nginx req/s" "ours req/s" ratio "nginx MiB/s" "ours MiB/s" ratio "errors (nginx/ours)"
printf '|------|-------|------------|--------------|--------------|--------|--------------|--------------|--------|------|\n'
for file in $FILES; do
    file=$file.bin
    for conns in $CONNS; do
        for keepalive in $MODES; do
            n_rps_all=() o_rps_all=() n_mib_all=() o_mib_all=() n_bad=0 o_bad=0
            l_rps_all=() l_bad=0
            for _ in $(seq "$REPEAT"); do
                # Alternate the servers so all see the same background load.
                read -r rps tr bad < <(run_wrk "$NGINX_PORT" "$file" "$conns" "$keepalive")
                n_rps_all+=("$rps") n_mib_all+=("$(to_mib "$tr")") n_bad=$((n_bad + bad))
                read -r rps tr bad < <(run_wrk "$OUR_PORT" "$file" "$conns" "$keepalive")
                o_rps_all+=("$rps") o_mib_all+=("$(to_mib "$tr")") o_bad=$((o_bad + bad))
                if [ -n "$LEARNER_CRATE" ]; then
                    read -r rps tr bad < <(run_wrk "$LEARNER_PORT" "$file" "$conns" "$keepalive")
                    l_rps_all+=("$rps") l_bad=$((l_bad + bad))
                fi
            done
            n_rps=$(median "${n_rps_all[@]}") o_rps=$(median "${o_rps_all[@]}")
            n_mib=$(median "${n_mib_all[@]}") o_mib=$(median "${o_mib_all[@]}")
            ratio=$(awk -v a="$o_rps" -v b="$n_rps" 'BEGIN {printf (b > 0 ? "%.2f" : "n/a"), a / b}')
            tratio=$(awk -v a="$o_mib" -v b="$n_mib" 'BEGIN {printf (b > 0 ? "%.2f" : "n/a"), a / b}')
            printf '| %-4s | %5s | %-10s | %12s | %12s | %6s | %12s | %12s | %6s | %s |\n' \
                "${file%.bin}" "$conns" "$keepalive" "$n_rps" "$o_rps" "$ratio" "$n_mib" "$o_mib" "$tratio" "$n_bad/$o_bad"
            if [ "$n_bad" != 0 ] || [ "$o_bad" != 0 ]; then FAILURES=$((FAILURES + 1)); fi
            if [ -n "$LEARNER_CRATE" ]; then
                case="${file%.bin} c$conns keep-alive $keepalive"
                l_rps=$(median "${l_rps_all[@]}")
                echo "  learner: $l_rps req/s, $l_bad error(s)" >&2
                result "$case" learner "$l_rps"
                result "$case" reference "$o_rps"
                result "$case" nginx "$n_rps"
            fi
        done
    done
done
echo
if [ "$FAILURES" = 0 ]; then
    echo "errors: none (no non-2xx responses, no socket errors in any run)"
else
    echo "errors: $FAILURES run(s) had non-2xx responses or socket errors (see the last column)"
fi

# --- 7. slow clients ----------------------------------------------------------------------------
# One slow client: opens a connection, sends a request line, then one header byte per second.
slow_client() { # port seconds
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 0
    printf 'GET /1k.bin HTTP/1.0\r\nX-Slow: ' >&3 || exit 0
    for _ in $(seq "$2"); do
        printf 'x' >&3 2>/dev/null || break
        sleep 1
    done
}

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
nginx_rss_kib() { # master plus workers
    local total=0 pid
    for pid in $NGINX_PID $(pgrep -P "$NGINX_PID"); do total=$((total + $(rss_kib "$pid"))); done
    echo "$total"
}

slow_check() { # name port clients rss-function
    local slow_pids=() i
    local before
    before=$($4)
    for i in $(seq "$3"); do
        slow_client "$2" 8 &
        slow_pids+=($!)
    done
    sleep 3
    local took during
    took=$(curl -s -o /dev/null --max-time 10 -w '%{time_total}' "http://127.0.0.1:$2/1k.bin" || echo "failed")
    during=$($4)
    for i in "${slow_pids[@]}"; do kill "$i" 2>/dev/null || true; done
    wait "${slow_pids[@]}" 2>/dev/null || true
    printf '| %-9s | %4s | %16s | %14s | %14s |\n' "$1" "$3" "$took" "$before" "$during"
}

if [ "$SLOW" = 0 ]; then exit 0; fi
echo
echo "Slow clients: each sends one header byte per second; a normal GET is timed after 3 s."
printf '| %-9s | %4s | %16s | %14s | %14s |\n' server slow "normal GET (s)" "RSS before KiB" "RSS during KiB"
printf '|-----------|------|------------------|----------------|----------------|\n'
slow_check webserver "$OUR_PORT" 32 "rss_kib $OUR_PID"
slow_check nginx "$NGINX_PORT" 32 nginx_rss_kib
slow_check webserver "$OUR_PORT" 256 "rss_kib $OUR_PID"
slow_check nginx "$NGINX_PORT" 256 nginx_rss_kib
if [ -n "$LEARNER_CRATE" ]; then
    slow_check learner "$LEARNER_PORT" 32 "rss_kib $LEARNER_PID"
    slow_check learner "$LEARNER_PORT" 256 "rss_kib $LEARNER_PID"
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
