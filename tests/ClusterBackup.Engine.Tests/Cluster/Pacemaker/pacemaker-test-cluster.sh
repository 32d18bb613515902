#!/usr/bin/env bash
# A throwaway Pacemaker cluster of N nodes on one machine, for the Pacemaker provider's integration test.
#
#   pacemaker-test-cluster.sh net-up STATE_DIR TAG SUBNET NODES  namespaces, bridge, veths, node directories
#   pacemaker-test-cluster.sh node   STATE_DIR I                  run node I (corosync + pacemakerd) in the foreground
#   pacemaker-test-cluster.sh exec   STATE_DIR I CMD...           run a command inside node I (1-based)
#   pacemaker-test-cluster.sh down   STATE_DIR                    kill every process in the namespaces, remove them
#   pacemaker-test-cluster.sh pid    STATE_DIR I                  the host pid of node I's corosync (for nsenter)
#
# The test fixture starts `node` once per node as its own child process, so the test host owns (and
# reaps) the daemons' parents and can kill them even when the test fails.
#
# Each node gets its own network namespace (a veth into a private bridge on SUBNET, e.g. 10.201.37),
# and its own mount, UTS and PID namespaces: private /etc/corosync, /var/lib/{pacemaker,corosync},
# /var/log/{pacemaker,corosync} bind-mounted from STATE_DIR, and fresh tmpfs on /dev/shm and /run.
# The PID namespace is what makes teardown certain: killing its first process kills every daemon in it.
# TAG (at most 6 characters) makes the namespace and link names unique to this run.
set -euo pipefail

command=$1; state=$2

node_ns() { echo "cb${TAG}n$1"; }

write_corosync_conf() {
  local file=$1 n
  {
    echo "totem {"
    echo "    version: 2"
    echo "    cluster_name: cb${TAG}"
    echo "    transport: knet"
    echo "    crypto_cipher: none"
    echo "    crypto_hash: none"
    echo "}"
    echo "nodelist {"
    for n in $(seq 1 "$NODES"); do
      echo "    node {"
      echo "        ring0_addr: ${SUBNET}.$((10 + n))"
      echo "        name: node$n"
      echo "        nodeid: $n"
      echo "    }"
    done
    echo "}"
    echo "quorum {"
    echo "    provider: corosync_votequorum"
    echo "}"
    echo "logging {"
    echo "    to_logfile: yes"
    echo "    logfile: /var/log/corosync/corosync.log"
    echo "    to_syslog: no"
    echo "    to_stderr: no"
    echo "    timestamp: on"
    echo "}"
  } >"$file"
}

# Runs as the first process of the node's PID namespace: mounts the node's private directories,
# starts corosync, waits for it, then runs pacemakerd in the foreground until killed.
node_main() {
  local dir=$1 name=$2
  hostname "$name"
  mount --make-rprivate /
  mount --bind "$dir/etc-corosync" /etc/corosync
  mount --bind "$dir/lib-pacemaker" /var/lib/pacemaker
  mount --bind "$dir/lib-corosync" /var/lib/corosync
  mount --bind "$dir/log-pacemaker" /var/log/pacemaker
  mount --bind "$dir/log-corosync" /var/log/corosync
  mount -t tmpfs tmpfs /dev/shm
  mount -t tmpfs tmpfs /run
  mount -t proc proc /proc
  corosync -f >"$dir/corosync.out" 2>&1 &
  for _ in $(seq 1 100); do
    corosync-cfgtool -s >/dev/null 2>&1 && break
    sleep 0.1
  done
  pacemakerd >"$dir/pacemakerd.out" 2>&1 &
  wait
}

net_up() {
  TAG=$1 SUBNET=$2 NODES=$3
  mkdir -p "$state"
  echo "TAG=$TAG NODES=$NODES SUBNET=$SUBNET" >"$state/cluster.env"
  local bridge="cb${TAG}br"
  ip link add "$bridge" type bridge
  ip link set "$bridge" up
  for i in $(seq 1 "$NODES"); do
    local ns dir
    ns=$(node_ns "$i"); dir="$state/node$i"
    mkdir -p "$dir"/{etc-corosync,lib-corosync,log-corosync}
    cp -a /var/lib/pacemaker "$dir/lib-pacemaker"
    cp -a /var/log/pacemaker "$dir/log-pacemaker"
    write_corosync_conf "$dir/etc-corosync/corosync.conf"
    # An initial configuration (STATE_DIR/cib.xml) saves the 20 s a new cluster waits by default (dc-deadtime)
    # before electing a controller. Without its .sig digest, pacemaker-based loads it with a warning.
    if [ -f "$state/cib.xml" ]; then
      install -o hacluster -g haclient -m 600 "$state/cib.xml" "$dir/lib-pacemaker/cib/cib.xml"
    fi
    ip netns add "$ns"
    ip link add "cb${TAG}h$i" type veth peer name "cb${TAG}p$i"
    ip link set "cb${TAG}p$i" netns "$ns"
    ip link set "cb${TAG}h$i" master "$bridge" up
    ip -n "$ns" link set lo up
    ip -n "$ns" addr add "${SUBNET}.$((10 + i))/24" dev "cb${TAG}p$i"
    ip -n "$ns" link set "cb${TAG}p$i" up
  done
}

load_env() {
  [ -f "$state/cluster.env" ] || { echo "no test cluster in $state" >&2; exit 1; }
  # shellcheck disable=SC1091
  . "$state/cluster.env"
}

# Runs node I in the foreground until killed. --kill-child: when unshare dies, the namespace's first
# process (node_main) is killed too, and with it every daemon of the node's PID namespace.
run_node() {
  load_env
  local i=$1
  exec ip netns exec "$(node_ns "$i")" unshare -m -u -p -f --kill-child --propagation private \
    bash "$0" node-main "$state" "$state/node$i" "node$i"
}

# The host pid of node I's corosync: nsenter joins its mount, network, UTS and PID namespaces.
node_pid() {
  load_env
  local p
  for p in $(ip netns pids "$(node_ns "$1")"); do
    if [ "$(cat "/proc/$p/comm" 2>/dev/null)" = corosync ]; then echo "$p"; return 0; fi
  done
  echo "node $1 has no corosync running" >&2
  return 1
}

down() {
  [ -f "$state/cluster.env" ] || return 0
  load_env
  local i
  for i in $(seq 1 "$NODES"); do
    ip netns pids "$(node_ns "$i")" 2>/dev/null | xargs -r kill -KILL 2>/dev/null || true
  done
  for i in $(seq 1 "$NODES"); do
    ip netns del "$(node_ns "$i")" 2>/dev/null || true
    ip link del "cb${TAG}h$i" 2>/dev/null || true
  done
  ip link del "cb${TAG}br" 2>/dev/null || true
}

case "$command" in
  net-up) net_up "$3" "$4" "$5" ;;
  node) run_node "$3" ;;
  node-main) node_main "$3" "$4" ;;
  down) down ;;
  pid) node_pid "$3" ;;
  exec)
    node=$3; shift 3
    pid=$(node_pid "$node")
    exec nsenter -t "$pid" -m -n -u -p -- "$@"
    ;;
  *) echo "usage: $0 net-up|node|exec|down ..." >&2; exit 2 ;;
esac
