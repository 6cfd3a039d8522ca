#!/bin/bash
# Records the node agent's AOT cache (JEP 483, 514): a training run of "lvs-node-agent run" whose loaded and linked
# classes the JVM then maps at start instead of loading them again (the image's ENTRYPOINT passes -XX:AOTCache). The
# run needs no cluster and changes nothing: its API server does not answer (127.0.0.1:1), so the agent starts its
# kernel handles, election, health monitor, endpoints and informers, waits for caches that never sync, answers its
# endpoints, and stops on SIGTERM as a restarting agent does (keeping everything: it has nothing).
#
#   aot-training.sh JAVA JAR CACHE     e.g. the Dockerfile's: aot-training.sh java /opt/lvs/lvs-node-agent.jar \
#                                                           /opt/lvs/lvs-node-agent.aot
# The JVM flags are jvm.options beside this script: the cache is valid only for the flags it was recorded with.
set -euo pipefail
java=$1 jar=$2 cache=$3
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/kubeconfig" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters: [{name: none, cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}}]
users: [{name: none, user: {token: none}}]
contexts: [{name: none, context: {cluster: none, user: none}}]
current-context: none
KUBECONFIG
# a throwaway advert key, so that the VRRP election (the chart's default) is part of the training
echo "1:$(head -c 32 /dev/urandom | base64)" > "$work/vrrp-keys"
port=19470
env NODE_NAME=aot-training POD_NAMESPACE=lvs-system KUBECONFIG="$work/kubeconfig" LVS_AGENT_STATE_DIR="$work/state" \
    LVS_AGENT_HTTP_ADDRESS=127.0.0.1 LVS_AGENT_HTTP_PORT=$port \
    LVS_AGENT_ELECTION=vrrp LVS_AGENT_VRRP_KEY_FILE="$work/vrrp-keys" \
    "$java" "@$here/jvm.options" -XX:AOTCacheOutput="$cache" -jar "$jar" run > "$work/agent.log" 2>&1 &
agent=$!
for _ in $(seq 1 600); do
  grep -qs "lvs-node-agent running" "$work/agent.log" && break
  kill -0 $agent 2>/dev/null || { grep -v "warning..aot" "$work/agent.log" | head -50; echo "aot-training: the agent exited" >&2; exit 1; }
  sleep 0.1
done
grep -qs "lvs-node-agent running" "$work/agent.log" || {
  kill -TERM $agent 2>/dev/null || true
  grep -v "warning..aot" "$work/agent.log" | head -50
  echo "aot-training: the agent did not say it was running within 60 s" >&2
  exit 1
}
# the endpoints, as the kubelet's probes and a Prometheus scrape ask them
for path in /healthz /readyz /metrics /metrics; do
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  printf 'GET %s HTTP/1.1\r\nHost: agent\r\nConnection: close\r\n\r\n' "$path" >&3
  cat <&3 > /dev/null
  exec 3<&-
done
sleep 5 # informers retrying, the loop waiting, health and election timers
kill -TERM $agent
wait $agent || true
grep -q "AOTCache creation is complete" "$work/agent.log" || { cat "$work/agent.log"; echo "aot-training: no cache" >&2; exit 1; }
# the cache must be usable with these flags: AOTMode=on fails where the default would silently go without it
"$java" "@$here/jvm.options" -XX:AOTCache="$cache" -XX:AOTMode=on -jar "$jar" > /dev/null
echo "aot-training: $(grep "AOTCache creation is complete" "$work/agent.log")"
