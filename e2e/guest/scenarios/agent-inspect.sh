#!/bin/bash
# lvs-node-agent inspect reads what ipvsadm wrote: without ip_vs it says IPVS is not loaded; with a table
# of DR, NAT, tunnel, fwmark, persistent, IPv6 and threshold services, sync daemons and timeouts made by
# ipvsadm, its IPVS sections equal ipvsadm's listings line for line in every layout, also after traffic.
. "$LVS_GUEST_DIR/lib.sh"
NS=agent-inspect
agent() {  # the agent's command line: its main class on the project's classpath (the image runs it with java -jar)
  # shellcheck disable=SC2086
  "$LVS_JAVA_HOME/bin/java" $LVS_JAVA_OPTS --enable-native-access=ALL-UNNAMED -cp "$LVS_CLASSPATH" \
      io.lvs.agent.cli.NodeAgentCli "$@"
}
check "namespace $NS" ip netns add $NS
ip netns exec $NS ip link set lo up

out=$(agent inspect --netns $NS 2>&1) && rc=0 || rc=$?
printf '%s\n' "$out"
name="without ip_vs loaded inspect says so, exits 0 and leaves it unloaded"
if [ "$rc" = 0 ] && grep -q '^IPVS is not loaded: module ip_vs is installed' <<< "$out" \
    && grep -q '^net.ipv4.vs.conntrack *= absent$' <<< "$out" && [ ! -e /sys/module/ip_vs ]; then
  ok "$name"
else
  fail "$name" "exit $rc, /sys/module/ip_vs $([ -e /sys/module/ip_vs ] && echo exists || echo absent)"
fi

check "modprobe ip_vs" modprobe ip_vs
links() {  # a veth pair for the sync daemons, and routes that send VIP traffic into IPVS
  ip -n $NS link add sync0 type veth peer name sync1 && ip -n $NS link set sync0 up && ip -n $NS link set sync1 up &&
  ip -n $NS route add 192.0.2.0/24 dev sync0 && ip -n $NS route add 198.51.100.0/24 dev sync0 &&
  ip -n $NS addr add 203.0.113.10/32 dev lo && ip -n $NS addr add 2001:db8::10/128 dev lo
}
check "links, routes and VIPs on lo" links
check "ipvsadm -R writes the table" ip netns exec $NS ipvsadm -R <<'RULES'
-A -t 192.0.2.10:80 -s rr
-a -t 192.0.2.10:80 -r 192.0.2.21:80 -g -w 1
-a -t 192.0.2.10:80 -r 192.0.2.22:80 -g -w 3
-A -t 192.0.2.11:80 -s wlc
-a -t 192.0.2.11:80 -r 198.51.100.21:8080 -m -w 2 -x 100 -y 10
-a -t 192.0.2.11:80 -r 198.51.100.22:8080 -m -w 0
-A -t 192.0.2.12:80 -s rr
-a -t 192.0.2.12:80 -r 203.0.113.1:80 -i
-a -t 192.0.2.12:80 -r 203.0.113.2:80 -i --tun-type gue --tun-port 6080 --tun-nocsum
-a -t 192.0.2.12:80 -r 203.0.113.3:80 -i --tun-type gue --tun-port 6081 --tun-remcsum
-a -t 192.0.2.12:80 -r 203.0.113.4:80 -i --tun-type gre --tun-csum
-A -t 192.0.2.13:443 -s wlc -p 600 -M 255.255.255.0
-a -t 192.0.2.13:443 -r 192.0.2.21:443 -g
-A -u 192.0.2.14:53 -s rr -o
-a -u 192.0.2.14:53 -r 198.51.100.1:53 -m
-a -u 192.0.2.14:53 -r 198.51.100.2:53 -m
-A -u 192.0.2.15:5060 -s rr -p 60 --pe sip
-a -u 192.0.2.15:5060 -r 198.51.100.1:5060 -m
-A --sctp-service 192.0.2.16:3868 -s lc
-a --sctp-service 192.0.2.16:3868 -r 198.51.100.3:3868 -m -x 50
-A -t [2001:db8::10]:443 -s rr -p 300 -M 64
-a -t [2001:db8::10]:443 -r [2001:db8::21]:443 -g -w 3
-a -t [2001:db8::10]:443 -r [2001:db8::22]:443 -m
-A -f 7 -s sh -b sh-fallback,sh-port
-a -f 7 -r 192.0.2.21:0 -g
-A -f 8 -6 -s mh -b mh-port
-a -f 8 -6 -r [2001:db8::21]:0 -g
RULES
check "ipvsadm sets the timeouts" ip netns exec $NS ipvsadm --set 7200 60 120
check "ipvsadm starts a master and a backup sync daemon" sh -c \
  "ip netns exec $NS ipvsadm --start-daemon master --mcast-interface sync0 --syncid 7 &&
   ip netns exec $NS ipvsadm --start-daemon backup --mcast-interface sync1 --syncid 7"
guest_java io.lvs.e2e.guest.programs.AgentInspect $NS
finish
