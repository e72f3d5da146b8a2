#!/usr/bin/env bash
# Two "machines" made on this one: two network namespaces joined by a veth pair (10.77.0.1 and
# 10.77.0.2, nothing else reachable from either), one rank in each, and one `neurite train
# --distributed` job between them over TCP. mpirun starts the remote rank's daemon through a
# "remote shell" that enters the other namespace instead of ssh. Prints the job's output and the
# bytes that crossed the veth pair. Needs root, iproute2, Open MPI, and an MPI build of neurite:
#   swift build -c release --traits MPI --scratch-path .build-mpi
#   Scripts/two-hosts-over-tcp.sh .build-mpi/release/neurite [neurite train options…]
set -euo pipefail
neurite=$(realpath "${1:?usage: two-hosts-over-tcp.sh NEURITE [train options]}")
shift
options=("$@")
[ ${#options[@]} -gt 0 ] || options=(--dataset fashion-mnist --hidden 256,128 --epochs 2 --batch-size 64 --learning-rate 1e-3)
a=neurite-host-a b=neurite-host-b
work=$(mktemp -d)
cleanup() {
    ip netns del "$a" 2>/dev/null || true
    ip netns del "$b" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
cleanup
work=$(mktemp -d)
ip netns add "$a"
ip netns add "$b"
ip link add veth-a netns "$a" type veth peer name veth-b netns "$b"
ip -n "$a" addr add 10.77.0.1/24 dev veth-a
ip -n "$b" addr add 10.77.0.2/24 dev veth-b
for namespace in "$a" "$b"; do ip -n "$namespace" link set lo up; done
ip -n "$a" link set veth-a up
ip -n "$b" link set veth-b up

cat > "$work/agent" <<'AGENT'
#!/bin/sh
# mpirun's remote shell: "agent HOST COMMAND…" runs COMMAND on the host of that address.
case "$1" in
10.77.0.1) namespace=neurite-host-a ;;
10.77.0.2) namespace=neurite-host-b ;;
*) echo "agent: unknown host $1" >&2; exit 1 ;;
esac
shift
exec ip netns exec "$namespace" /bin/sh -c "$*"
AGENT
chmod +x "$work/agent"
printf '10.77.0.1 slots=1\n10.77.0.2 slots=1\n' > "$work/hosts"

bytes() { ip -n "$a" -s -j link show veth-a | python3 -c 'import json, sys; s = json.load(sys.stdin)[0]["stats64"]; print(s["tx"]["bytes"] + s["rx"]["bytes"])'; }
before=$(bytes)
ip netns exec "$a" mpirun -np 2 --hostfile "$work/hosts" --allow-run-as-root \
    --mca plm_rsh_agent "$work/agent" --mca btl self,tcp \
    --mca btl_tcp_if_include 10.77.0.0/24 --mca oob_tcp_if_include 10.77.0.0/24 \
    -x PATH ${LD_LIBRARY_PATH:+-x LD_LIBRARY_PATH} \
    "$neurite" train --distributed "${options[@]}" --threads 1 --output "$work/run"
after=$(bytes)
echo "veth pair between the two hosts: $(( (after - before) / 1000000 )) MB crossed during the job"
ls "$work/run"
