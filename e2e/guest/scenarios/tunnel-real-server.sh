#!/bin/bash
# A Tunnel real server's node prepared by the node agent's control loop (TunnelRealServer): a director namespace
# encapsulates with IPIP, GUE and GRE over IPv4 and with IPIP over IPv6, IPv6 and IPv4 inside (IPVS programmed with
# ipvsadm); the agent brings up the fallback tunnel devices, loosens a strict rp_filter, opens the GUE port, puts the
# VIPs on lo and the IPv4 VIP on each device that decapsulates IPv4; a client gets answers through every VIP; a restart
# adopts with zero operations; the node is given back. Then an oracle without the agent: in this kernel a strict
# rp_filter on tunl0 drops what tunl0 decapsulates, and so does a loose one on a tunl0 without an IPv4 address.
. "$LVS_GUEST_DIR/lib.sh"
check "modprobe ip_vs" modprobe ip_vs
if lsmod | grep -Eq '^(ipip|ip_gre|ip6_tunnel|fou) '; then fail "no tunnel module loaded yet" "$(lsmod)"; else ok "no tunnel module loaded yet"; fi

# One segment (a bridge in the guest's first namespace): client .1, director .2, real server .3.
ip link add br0 type bridge && ip link set br0 up
for n in cli dir rs; do
  ip netns add $n
  ip link add $n-eth0 type veth peer name br-$n
  ip link set br-$n master br0 up
  ip link set $n-eth0 netns $n
  ip -n $n link set $n-eth0 name eth0
  ip -n $n link set eth0 up
  ip -n $n link set lo up
done
i=1
for n in cli dir rs; do
  ip -n $n addr add 198.51.100.$i/24 dev eth0
  ip -n $n addr add 2001:db8:1::$i/64 dev eth0 nodad
  i=$((i + 1))
done
ip -n cli route add 203.0.113.10/32 via 198.51.100.2
ip -n cli -6 route add 2001:db8:10::10/128 via 2001:db8:1::2
ip -n dir addr add 203.0.113.10/32 dev lo
ip -n dir addr add 2001:db8:10::10/128 dev lo

# The director: one Tunnel destination per encapsulation, all to the real server .3.
D="ip netns exec dir ipvsadm"
check "IPVS IPIP service" $D -A -t 203.0.113.10:80 -s rr
check "IPVS IPIP destination" $D -a -t 203.0.113.10:80 -r 198.51.100.3:80 -i
check "IPVS GUE service" $D -A -t 203.0.113.10:81 -s rr
check "IPVS GUE destination" $D -a -t 203.0.113.10:81 -r 198.51.100.3:81 -i --tun-type gue --tun-port 6080
check "IPVS GRE service" $D -A -t 203.0.113.10:82 -s rr
check "IPVS GRE destination" $D -a -t 203.0.113.10:82 -r 198.51.100.3:82 -i --tun-type gre
check "IPVS IPv6 service" $D -A -t '[2001:db8:10::10]:80' -s rr
check "IPVS IPv6 destination" $D -a -t '[2001:db8:10::10]:80' -r '[2001:db8:1::3]:80' -i
check "IPVS IPv4-over-IPv6 service" $D -A -t 203.0.113.10:83 -s rr
check "IPVS IPv4-over-IPv6 destination" $D -a -t 203.0.113.10:83 -r '[2001:db8:1::3]:83' -i
$D -Ln --tun-info

# The real server: a web server per port, strict reverse-path filtering (as several distributions set it), so a
# tunnel device the kernel makes starts strict too.
for p in 80 81 82 83; do
  mkdir -p /tmp/www$p && echo "rs port $p" > /tmp/www$p/index.html
  check "httpd on port $p" ip netns exec rs busybox httpd -p $p -h /tmp/www$p
done
check "strict rp_filter on the real server" ip netns exec rs sysctl -q -w net.ipv4.conf.all.rp_filter=1 \
    net.ipv4.conf.default.rp_filter=1

guest_java io.lvs.e2e.guest.programs.TunnelRealServer rs cli

# The oracle, without the agent: why it loosens rp_filter on the device and puts the VIP there too. tunl0 up, the VIP on
# lo, conf/all strict: strict on tunl0 drops what it decapsulates, and so does loose while tunl0 has no IPv4 address
# (the kernel fails any reverse-path check on a device without one); loose with the VIP on tunl0 lets it through.
get() { ip netns exec cli curl -sS -m 2 http://203.0.113.10:80/ 2>&1; }
ip -n rs addr add 203.0.113.10/32 dev lo
ip -n rs link set tunl0 up
ip netns exec rs sysctl -q -w net.ipv4.conf.tunl0.rp_filter=1
if get | grep -q 'rs port 80'; then fail "strict rp_filter on tunl0 drops" "answered"; else ok "strict rp_filter on tunl0 drops"; fi
ip netns exec rs sysctl -q -w net.ipv4.conf.tunl0.rp_filter=2
if get | grep -q 'rs port 80'; then fail "loose rp_filter on tunl0 without an address drops" "answered"
else ok "loose rp_filter on tunl0 without an address drops"; fi
ip -n rs addr add 203.0.113.10/32 dev tunl0
expect "loose rp_filter on tunl0 holding the VIP lets it through" '^rs port 80$' get
expect "the kernel counted the drops as reverse-path failures" 'TcpExtIPReversePathFilter +[1-9]' \
    ip netns exec rs nstat -az TcpExtIPReversePathFilter
finish
