#!/bin/bash
# lvs-operator local demo (README command one). On a fresh machine of this kind (Debian bookworm, x86_64, root,
# Temurin 25) it installs what it needs, builds the project, and shows, with real parts:
#   1. the control plane: an embedded Kubernetes API server, the real kubectl, the packaged operator (leader
#      election on): CRDs and examples applied, status and printer columns, validation, a conflict (no agents in
#      this part: the operator says so in Programmed);
#   2. the data plane: this project's netlink library programming IPVS in a real Linux kernel with IPVS (a
#      User-mode Linux guest when the host kernel has none) with traffic from a client namespace through the VIP
#      in DR and NAT modes, and a VIP takeover announced with gratuitous ARP / unsolicited NA;
#   3. the product end to end: the packaged agent directing a guest kernel serves the DR and NAT examples applied
#      with kubectl, a failing real server leaves the rotation and returns, deletion empties the IPVS table.
# Everything it starts is stopped on exit and on Ctrl-C. DEMO_SKIP_BUILD=1 reuses the last build.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO=$PWD
say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
note() { printf '    %s\n' "$*"; }
[ "$(id -u)" = 0 ] || { echo "e2e/demo.sh: run as root (sudo): the data-plane part boots a guest kernel" >&2; exit 1; }
export JAVA_HOME=${JAVA_HOME_25:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA=$JAVA_HOME/bin/java
[ -x "$JAVA" ] || { echo "e2e/demo.sh: Java 25 is needed at $JAVA_HOME (set JAVA_HOME_25)" >&2; exit 1; }

say "Setting up: packages, the real kubectl and helm, and a build"
e2e/guest/install-deps.sh
eval "$(e2e/tools/kube-tools.sh | grep -E '^(KUBECTL|HELM)=')"
if [ "${DEMO_SKIP_BUILD:-0}" != 1 ]; then
  ./mvnw -B -q install -DskipTests
fi
./mvnw -B -q -pl e2e dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt

WORK=$(mktemp -d /var/tmp/lvs-demo.XXXXXX)
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$p" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'echo; echo "interrupted: cleaning up"; exit 130' INT TERM
k() { "$KUBECTL" --kubeconfig "$WORK/kubeconfig" --cache-dir "$WORK/kubectl-cache" "$@"; }
until_true() {  # <seconds> <what> <command...>
  local deadline=$((SECONDS + $1)) what=$2; shift 2
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || { echo "timed out waiting for $what" >&2; return 1; }
    sleep 0.3
  done
}

# ---------------------------------------------------------------------------------------------- control plane
say "1. Control plane: an embedded API server (Fabric8 CRUD store + discovery, tables, OpenAPI), the real kubectl"
"$JAVA" -jar e2e/target/lvs-e2e-0.1.0-SNAPSHOT.jar 0 "$WORK/kubeconfig" > "$WORK/apiserver.log" 2>&1 &
PIDS+=($!)
until_true 30 "the API server" test -s "$WORK/kubeconfig"
until_true 30 "the API server" k get --raw /version
note "$(grep server: "$WORK/apiserver.log")   (RBAC, CRD schemas and CEL rules enforced: see e2e/README.md)"
k apply --validate=false -f crds/
k apply --validate=false -f e2e/src/test/resources/project/nodes.yaml
k get nodes --show-labels 2>/dev/null | sed 's/^/    /'

say "The chart's RBAC (helm template | kubectl apply), and a token for the operator's ServiceAccount (TokenRequest)"
printf 'apiVersion: v1\nkind: Namespace\nmetadata: {name: lvs-system}\n' | k apply --validate=false -f - >/dev/null
"$HELM" template lvs helm/lvs-operator -n lvs-system -s templates/serviceaccount.yaml \
    -s templates/serviceaccount-agent.yaml -s templates/rbac-operator.yaml -s templates/rbac-agent.yaml \
    -s templates/validatingadmissionpolicy-agent.yaml -s templates/secret-vrrp-keys.yaml \
  | k apply --validate=false -f - | sed 's/^/    /'
TOKEN=$(echo '{"apiVersion":"authentication.k8s.io/v1","kind":"TokenRequest","spec":{}}' \
  | k create --raw /api/v1/namespaces/lvs-system/serviceaccounts/lvs-lvs-operator/token -f - \
  | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
sed "s/^    token: .*/    token: $TOKEN/" "$WORK/kubeconfig" > "$WORK/kubeconfig-operator"
note "the operator may: $(KUBECONFIG="$WORK/kubeconfig-operator" "$KUBECTL" --cache-dir "$WORK/kubectl-cache" \
  auth can-i --list 2>/dev/null | grep -c lvs.io) rules on lvs.io objects; may it update a RealServer? \
$(KUBECONFIG="$WORK/kubeconfig-operator" "$KUBECTL" --cache-dir "$WORK/kubectl-cache" auth can-i update realservers)"

say "The operator, as packaged (its own JVM, production profile: it takes a leader Lease before reconciling)"
LVS_OPERATOR_NAMESPACE=lvs-system KUBECONFIG="$WORK/kubeconfig-operator" QUARKUS_HTTP_PORT=0 \
  "$JAVA" -jar operator/target/quarkus-app/quarkus-run.jar > "$WORK/operator.log" 2>&1 &
PIDS+=($!)
until_true 60 "the operator's leader Lease" k get lease -n lvs-system lvs-operator-leader
note "leader: $(k get lease -n lvs-system lvs-operator-leader -o jsonpath='{.spec.holderIdentity}')"

say "kubectl apply -f crds/examples/  (DirectRouting, NAT, Tunnel, Local, IPv6)"
k apply --validate=false -f crds/examples/
until_true 60 "the operator's status" bash -c "[ \"\$('$KUBECTL' --kubeconfig '$WORK/kubeconfig' --cache-dir '$WORK/kubectl-cache' get virtualservices -o jsonpath='{range .items[*]}{.status.observedGeneration}{\"\\n\"}{end}' | grep -c .)\" = 5 ]"
say "kubectl get lvs"
k get lvs
say "kubectl get lvs -o wide   (adds ACCEPTED and PROGRAMMED)"
k get virtualservices -o wide
say "kubectl describe virtualservice web   (conditions and events)"
k describe virtualservice web | sed -n '/^Status:/,$p' | sed 's/^/    /'

say "Nothing is Programmed in this part: no node agent runs here (on a cluster the chart's DaemonSet runs them; part 3)"
k get virtualservice web -o jsonpath='{range .status.conditions[?(@.type=="Programmed")]}    Programmed={.status} {.reason}: {.message}{"\n"}{end}'

say "Invalid input is refused in words a person can act on"
cat > "$WORK/bad.yaml" <<'YAML'
apiVersion: lvs.io/v1alpha1
kind: VirtualService
metadata: {name: typo}
spec:
  vip: 192.0.2.300
  ports: [{port: 80}, {port: 80}]
  scheduler: {name: rr, flags: [Port]}
  directors: {nodeSelector: {matchLabels: {lvs.io/director: "true"}}}
YAML
note "(the API server applies the CRD's schema and CEL rules, as a real one does; the operator checks the same rules"
note " in the same words, and reports them in Accepted=False, for objects a server that skips schemas let through)"
if k apply -f "$WORK/bad.yaml" 2> "$WORK/bad.err"; then
  echo "e2e/demo.sh: the API server stored an invalid VirtualService" >&2; exit 1
fi
sed 's/^/    /' "$WORK/bad.err"

say "A second VirtualService on web's VIP and port: the older one keeps it"
cat > "$WORK/dup.yaml" <<'YAML'
apiVersion: lvs.io/v1alpha1
kind: VirtualService
metadata: {name: web-copy}
spec:
  vip: 192.0.2.10
  ports: [{port: 443}]
  realServerSelector: {matchLabels: {app: web}}
  directors: {nodeSelector: {matchLabels: {lvs.io/director: "true"}}}
YAML
k apply --validate=false -f "$WORK/dup.yaml"
until_true 30 "web-copy's status" bash -c "'$KUBECTL' --kubeconfig '$WORK/kubeconfig' --cache-dir '$WORK/kubectl-cache' get virtualservice web-copy -o jsonpath='{.status.conditions[0].reason}' | grep -q ."
k get virtualservice web-copy -o jsonpath='{range .status.conditions[?(@.type=="Accepted")]}    Accepted={.status} {.reason}: {.message}{"\n"}{end}'
k get events --field-selector involvedObject.name=web-copy \
  -o jsonpath='{range .items[*]}    event {.type} {.reason}: {.message}{"\n"}{end}'

say "Deleting: finalizers released (no node reports kernel state)"
k delete -f "$WORK/dup.yaml" -f crds/examples/ --timeout=60s
note "operator log: $(grep -c . "$WORK/operator.log") lines, no errors: $(grep -c ' ERROR ' "$WORK/operator.log" || true) errors"

# ---------------------------------------------------------------------------------------------- data plane
if [ -r /proc/net/ip_vs ]; then
  say "2. Data plane: this kernel has IPVS, but the demo's scenarios are written for the guest; running them there"
else
  say "2. Data plane: this machine's kernel has no IPVS (CONFIG_IP_VS unset), so a User-mode Linux guest with IPVS runs it"
fi
note "the netlink library (io.lvs.agent.kernel) programs IPVS: client -> VIP -> real-server namespaces, DR and NAT"
e2e/guest/run-scenario.sh ipvs-traffic 2>&1 | grep -E '^(CHECK|RESULT:|TIMING)|^(Prot|TCP|  ->)|IP Virtual Server' | sed 's/^/    /'
note "a director takes over a VIP: rtnetlink adds it, gratuitous ARP / unsolicited NA tell a client with stale entries"
e2e/guest/run-scenario.sh takeover-edges 2>&1 | grep -E '^(CHECK|RESULT:)' | sed 's/^/    /'

# ---------------------------------------------------------------------------------------------- the product
say "3. The product end to end: the node agent directing a guest kernel"
(cd e2e && KUBECTL=$KUBECTL HELM=$HELM "$JAVA" --enable-native-access=ALL-UNNAMED \
  -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" io.lvs.e2e.agent.AgentDemo)

say "What you saw, what the tests show, and what is not built yet"
cat <<'TXT'
    Real: kubectl 1.35, the packaged operator (validation, VIP claims, status, events, agent liveness, leader
    election), the packaged node agent (informers -> desired state -> minimal kernel operations -> NodeReports,
    health checks, metrics), IPVS and rtnetlink programmed over netlink from Java in a real kernel, real traffic.
    Embedded: the API server (a Fabric8 store with the CRDs' schema and CEL validation, HTTPS, tokens, RBAC and the
    chart's admission policy: the operator and the agents run as their ServiceAccounts; no pods run from the
    DaemonSet).
    The demo has one director, so nothing is elected here; VRRPv3 election between directors (sub-second failover,
    connections kept across failover and failback, key rotation without a failover) is what e2e/test.sh proves in
    VrrpFailoverTest, GuestFailoverTest (two guest kernels) and VrrpKeyRotationTest.
    Not built yet: see the README's status.
TXT
