#!/usr/bin/env bash
# Starts Debian's redis-server as the cluster membership store of orchestrator silos: loopback only, no persistence
# (membership is rebuilt by the silos), in the background. Usage: infra/redis/start-redis.sh [port] [bind-address]
# Stop it with: redis-cli -p <port> shutdown nosave
set -euo pipefail
port="${1:-6379}"
bind="${2:-127.0.0.1}"
if ! command -v redis-server >/dev/null 2>&1; then
  echo "error: redis-server is not installed (apt-get install -y redis-server)" >&2
  exit 2
fi
dir="${TMPDIR:-/tmp}/orchestrator-redis-$port"
mkdir -p "$dir"
redis-server --port "$port" --bind "$bind" --protected-mode yes --save "" --appendonly no \
  --daemonize yes --dir "$dir" --logfile "$dir/redis.log" --pidfile "$dir/redis.pid"
for _ in $(seq 1 50); do
  if redis-cli -h "$bind" -p "$port" ping >/dev/null 2>&1; then
    echo "redis on $bind:$port (log $dir/redis.log)"
    exit 0
  fi
  sleep 0.1
done
echo "error: redis-server did not answer on $bind:$port; see $dir/redis.log" >&2
exit 1
