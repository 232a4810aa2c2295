#!/usr/bin/env bash
# Starts a 3-master Redis Cluster on 127.0.0.1:7001-7003 (no replicas, no persistence) for the
# ratelimit tests, waits until it serves, and prints its addresses:
#
#   export SHAREPANEL_TEST_REDIS_CLUSTER_ADDRS=$(.ci/redis-cluster.sh)
#
# Idempotent: a cluster that is already up and reports cluster_state:ok is left alone.
# Stop it with:  .ci/redis-cluster.sh stop
set -euo pipefail

PORTS=(7001 7002 7003)
DIR=${REDIS_CLUSTER_DIR:-/tmp/sharepanel-redis-cluster}
ADDRS=$(printf '127.0.0.1:%s,' "${PORTS[@]}")
ADDRS=${ADDRS%,}

log() { echo "redis-cluster: $*" >&2; }

cluster_ok() {
	redis-cli -p "$1" cluster info 2>/dev/null | grep -q '^cluster_state:ok'
}

all_ok() {
	for p in "${PORTS[@]}"; do cluster_ok "$p" || return 1; done
}

if [[ ${1:-} == stop ]]; then
	for p in "${PORTS[@]}"; do redis-cli -p "$p" shutdown nosave 2>/dev/null || true; done
	rm -rf "$DIR"
	exit 0
fi

command -v redis-server >/dev/null && command -v redis-cli >/dev/null || {
	log "redis-server and redis-cli are needed (apt-get install redis-server)"
	exit 1
}

if all_ok; then
	log "already up"
	echo "$ADDRS"
	exit 0
fi

mkdir -p "$DIR"
for p in "${PORTS[@]}"; do
	if redis-cli -p "$p" ping >/dev/null 2>&1; then
		continue # running, perhaps not yet clustered
	fi
	mkdir -p "$DIR/$p"
	rm -f "$DIR/$p/nodes.conf" # a stale config would name nodes that are gone
	redis-server --port "$p" --bind 127.0.0.1 --cluster-enabled yes \
		--cluster-config-file "$DIR/$p/nodes.conf" --cluster-node-timeout 5000 \
		--daemonize yes --save '' --appendonly no --dir "$DIR/$p" \
		--logfile "$DIR/$p/redis.log" --pidfile "$DIR/$p/redis.pid"
done

for p in "${PORTS[@]}"; do
	for _ in $(seq 50); do
		redis-cli -p "$p" ping >/dev/null 2>&1 && break
		sleep 0.1
	done
	redis-cli -p "$p" ping >/dev/null || { log "127.0.0.1:$p does not answer"; exit 1; }
done

# Create the cluster unless the nodes already know each other (a half-formed run is finished by
# waiting below).
known=$(redis-cli -p "${PORTS[0]}" cluster info | sed -n 's/^cluster_known_nodes:\([0-9]*\).*/\1/p')
if [[ ${known:-1} -lt ${#PORTS[@]} ]]; then
	redis-cli --cluster create $(printf '127.0.0.1:%s ' "${PORTS[@]}") --cluster-replicas 0 --cluster-yes >&2
fi

for _ in $(seq 100); do
	all_ok && break
	sleep 0.1
done
all_ok || { log "cluster_state is not ok"; redis-cli -p "${PORTS[0]}" cluster info >&2; exit 1; }
log "up"
echo "$ADDRS"
