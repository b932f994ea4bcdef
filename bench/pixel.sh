#!/usr/bin/env bash
# Tracking-endpoint benchmark: wrk against GET /p/<valid token>.gif of a running
# `ppc-helper run`, and, in the same run with the same parameters, against
# nginx serving `empty_gif` (the reference ceiling). Prints both requests/s,
# p99 latencies, the ratio, and the rows recorded vs the 200 responses.
# Targets: ratio >= 0.5, p99 < 10 ms, zero hits lost.
#
# Environment: THREADS (2), CONNECTIONS (64), DURATION (15s), PORT (18080),
# NGINX_PORT (18081).
set -euo pipefail
cd "$(dirname "$0")/.."

THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
DURATION=${DURATION:-15s}
PORT=${PORT:-18080}
NGINX_PORT=${NGINX_PORT:-18081}

need() {
    local bin=$1 package=$2
    if ! command -v "$bin" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$bin" ]; then
        if [ "$(id -u)" = 0 ]; then
            DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$package" >/dev/null
        else
            echo "missing $bin: run 'sudo apt-get install $package'" >&2
            exit 1
        fi
    fi
}
need wrk wrk
need nginx nginx
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

cargo build --release --locked --bin ppc-helper --example bench_pixel
BIN=${CARGO_TARGET_DIR:-target}/release/ppc-helper
HELPER=${CARGO_TARGET_DIR:-target}/release/examples/bench_pixel

WORK=$(mktemp -d)
chmod 755 "$WORK"
APP_PID=""
cleanup() {
    [ -n "$APP_PID" ] && kill "$APP_PID" 2>/dev/null && wait "$APP_PID" 2>/dev/null || true
    [ -f "$WORK/nginx/nginx.pid" ] && "$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -s stop 2>/dev/null || true
    "$HELPER" down "$WORK" >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT

"$HELPER" up "$WORK" >"$WORK/up.txt"
URL=$(sed -n 's/^URL=//p' "$WORK/up.txt")
TOKEN=$(sed -n 's/^TOKEN=//p' "$WORK/up.txt")
cat > "$WORK/config.json" <<JSON
{
  "database": { "url": "$URL", "max_connections": 8 },
  "http": { "listen": "127.0.0.1:$PORT", "public_url": "http://127.0.0.1:$PORT" }
}
JSON
RUST_LOG=warn "$BIN" --config "$WORK/config.json" run >"$WORK/app.log" 2>&1 &
APP_PID=$!
for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
    sleep 0.1
done
curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null || { cat "$WORK/app.log"; exit 1; }

mkdir -p "$WORK/nginx/logs"
cat > "$WORK/nginx/nginx.conf" <<CONF
worker_processes auto;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $WORK/nginx/body;
    proxy_temp_path $WORK/nginx/proxy;
    fastcgi_temp_path $WORK/nginx/fastcgi;
    uwsgi_temp_path $WORK/nginx/uwsgi;
    scgi_temp_path $WORK/nginx/scgi;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        location /p/ {
            empty_gif;
            add_header Cache-Control "no-store, no-cache, must-revalidate, private";
        }
    }
}
CONF
"$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf"

PIXEL_URL="http://127.0.0.1:$PORT/p/$TOKEN.gif"
NGINX_URL="http://127.0.0.1:$NGINX_PORT/p/$TOKEN.gif"

run_wrk() { wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$1"; }
rps() { awk '/^Requests\/sec/ {print $2}' "$1"; }
p99() { awk '$1 == "99%" {print $2}' "$1"; }
total() { awk '/requests in/ {print $1}' "$1"; }
non2xx() { awk '/Non-2xx/ {print $NF}' "$1"; }
errors() { awk '/Socket errors/ {print}' "$1"; }
ms() { # wrk latency (e.g. 1.23ms, 850.00us, 1.02s) in ms
    awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'
}

# Short warm-up of both, then the measured runs.
wrk -t1 -c4 -d2s "$PIXEL_URL" >/dev/null
wrk -t1 -c4 -d2s "$NGINX_URL" >/dev/null
sleep 1
BEFORE=$("$HELPER" count "$URL")
run_wrk "$PIXEL_URL" | tee "$WORK/pixel.txt"
run_wrk "$NGINX_URL" | tee "$WORK/nginx.txt"
sleep 2
AFTER=$("$HELPER" count "$URL")

PIXEL_RPS=$(rps "$WORK/pixel.txt")
NGINX_RPS=$(rps "$WORK/nginx.txt")
PIXEL_P99=$(ms "$(p99 "$WORK/pixel.txt")")
NGINX_P99=$(ms "$(p99 "$WORK/nginx.txt")")
SENT=$(total "$WORK/pixel.txt")
BAD=$(non2xx "$WORK/pixel.txt")
OK=$((SENT - ${BAD:-0}))
ROWS=$((AFTER - BEFORE))
DROPPED=$(curl -fs "http://127.0.0.1:$PORT/metrics" | awk '/^pixel_hits_dropped_total/ {print $NF}')

echo
echo "== pixel benchmark (wrk -t$THREADS -c$CONNECTIONS -d$DURATION, keep-alive) =="
printf "ppc-helper /p/<token>.gif : %10s req/s   p99 %7s ms\n" "$PIXEL_RPS" "$PIXEL_P99"
printf "nginx empty_gif           : %10s req/s   p99 %7s ms\n" "$NGINX_RPS" "$NGINX_P99"
awk -v a="$PIXEL_RPS" -v b="$NGINX_RPS" 'BEGIN { printf "ratio pixel/nginx         : %10.2f   (target >= 0.50)\n", a / b }'
echo "200 responses             : $OK   (requests $SENT, non-2xx ${BAD:-0}) $(errors "$WORK/pixel.txt")"
LOST=$((OK > ROWS ? OK - ROWS : 0))
# wrk does not count requests still in flight when it stops; the server
# answered (and recorded) them, so rows may exceed the 200s by up to -c.
echo "rows recorded             : $ROWS   lost: $LOST   in flight at wrk's stop: $((ROWS > OK ? ROWS - OK : 0))   pixel_hits_dropped_total: ${DROPPED:-0}"
