#!/bin/bash
# Real traffic through IPVS programmed by the library: client -> VIP -> real-server namespaces in DR
# and NAT, the scheduler's split (rr, wrr 3:1), counters, the connection table, and a drain that waits
# for a live connection.
. "$LVS_GUEST_DIR/lib.sh"
check "modprobe ip_vs" modprobe ip_vs
NS() { ip netns exec "$@"; }
plug() {  # <ns> <bridge> <addr/len>: a veth from the bridge to eth0 (or eth1 if eth0 exists) in ns
  local ifn=eth0; NS "$1" ip link show eth0 >/dev/null 2>&1 && ifn=eth1
  ip link add "v-$1-$ifn" type veth peer name "$ifn" netns "$1"
  ip link set "v-$1-$ifn" master "$2" up
  NS "$1" ip addr add "$3" dev "$ifn"; NS "$1" ip link set "$ifn" up
}
topology() {
  ip link add br0 type bridge && ip link set br0 up && ip link add br1 type bridge && ip link set br1 up || return 1
  for ns in client director rs1 rs2 rs3 rs4; do ip netns add $ns && NS $ns ip link set lo up || return 1; done
  plug client br0 192.0.2.10/24; plug director br0 192.0.2.2/24; plug director br1 198.51.100.1/24
  plug rs1 br0 192.0.2.11/24; plug rs2 br0 192.0.2.12/24
  plug rs3 br1 198.51.100.11/24; plug rs4 br1 198.51.100.12/24
  NS director ip addr add 192.0.2.100/32 dev eth0; NS director ip addr add 192.0.2.101/32 dev eth0
  NS director sysctl -qw net.ipv4.ip_forward=1
  for rs in rs1 rs2; do   # DR real servers: the VIP on lo, never answered for on the wire
    NS $rs sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2
    NS $rs ip addr add 192.0.2.100/32 dev lo
  done
  for rs in rs3 rs4; do NS $rs ip route add default via 198.51.100.1; done
  for rs in rs1 rs2 rs3 rs4; do
    mkdir -p /tmp/www-$rs && echo $rs > /tmp/www-$rs/index.html && NS $rs busybox httpd -p 80 -h /tmp/www-$rs || return 1
  done
}
check "topology: client, director, DR rs1 rs2, NAT rs3 rs4" topology
guest_java io.lvs.e2e.guest.programs.IpvsTraffic director client
NS director ipvsadm -Ln --stats
finish
