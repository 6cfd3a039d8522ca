#!/bin/bash
# Runs one scenario inside a User-mode Linux guest (a real 6.1 kernel with IPVS, as a host program)
# and prints its output, timings and a verdict. Run as root on the host.
#
#   e2e/guest/run-scenario.sh NAME            # e2e/guest/scenarios/NAME.sh
#   e2e/guest/run-scenario.sh /abs/path.sh    # any script
#
# Environment (all optional):
#   TIMEOUT=300     seconds for boot + scenario + halt; then SIGTERM, then a group kill
#   MEM=1024        MiB of guest RAM (backed by a file in /dev/shm)
#   CPU=auto        host CPU to pin every UML process to: auto = a CPU no other run holds
#                   (flock on $WORK/.cpuN.lock), <n>, or none. Unpinned UML is ~3x slower.
#   WORK=/var/tmp/lvs-guest   where per-run directories go (mounted at /vmresults in the guest)
#   KEEP=1          keep the run directory (console.log, scenario.log) and print its path
#   LVS_CLASSPATH   classpath for Java in the guest; default: the built modules of this tree
#   LVS_JAVA_HOME   JDK for the guest; default /usr/lib/jvm/temurin-25-jdk-amd64
#   UML_EXTRA       more words for the guest's kernel command line, e.g. "eth0=tuntap,tap0": an eth0 on host tap
#                   device tap0 (create it, and run this script, in the network namespace that holds it)
#
# Output: the guest console (kernel noise, init lines, the scenario's own lines), then lines
# "TIMING name=value" and a last line "RESULT: PASS" (exit 0) or "RESULT: FAIL <reason>" (exit 1).
# PASS needs the scenario to exit 0 *and* print "RESULT: PASS" itself.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WORK=${WORK:-/var/tmp/lvs-guest}
TIMEOUT=${TIMEOUT:-300}
MEM=${MEM:-1024}
CPU=${CPU:-auto}
LVS_JAVA_HOME=${LVS_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
LVS_CLASSPATH=${LVS_CLASSPATH:-$ROOT/node-agent/target/classes:$ROOT/e2e/target/test-classes}
say() { echo "[host $(date +%T.%3N)] $*"; }
verdict_fail() { echo "RESULT: FAIL $*"; exit 1; }

[ $# -eq 1 ] || { echo "usage: $0 NAME|/abs/script.sh" >&2; exit 2; }
case "$1" in
  /*) SCRIPT=$1; NAME=$(basename "$1" .sh) ;;
  */*) verdict_fail "give a scenario name or an absolute path, not '$1'" ;;
  *) SCRIPT=$HERE/scenarios/$1.sh; NAME=$1 ;;
esac
[ "$(id -u)" = 0 ] || verdict_fail "must run as root (the guest kernel runs as a root-owned host program)"
command -v linux.uml >/dev/null || verdict_fail "linux.uml missing: run e2e/guest/install-deps.sh"
KVER=$(linux.uml --version)
[ -d "/usr/lib/uml/modules/$KVER" ] || verdict_fail "/usr/lib/uml/modules/$KVER missing: reinstall user-mode-linux"
[ -r "$SCRIPT" ] || verdict_fail "scenario $SCRIPT not found"
case "$WORK" in *' '*|*,*) verdict_fail "WORK=$WORK must have no spaces or commas (it goes on the kernel command line)" ;; esac
[ -x "$LVS_JAVA_HOME/bin/java" ] || verdict_fail "no JDK at LVS_JAVA_HOME=$LVS_JAVA_HOME"
IFS=: read -ra cp_entries <<< "$LVS_CLASSPATH"
for p in "${cp_entries[@]}"; do
  [ -e "$p" ] || verdict_fail "LVS_CLASSPATH entry $p does not exist (build first: ./mvnw -B -q install -DskipTests)"
done

mkdir -p "$WORK"
# UML 6.1 cannot restore FPU state on hosts with a larger XSAVE area (AMX): every guest process then
# dies of SIGSEGV, init first. xstate-shim.c (LD_PRELOAD) fixes the refused ptrace call; it is built
# here, once per source version, and is inert on hosts where UML needs no help.
SHIM_SRC=$HERE/xstate-shim.c
SHIM=$WORK/xstate-shim-$(sha256sum "$SHIM_SRC" | cut -c1-12).so
if [ ! -s "$SHIM" ]; then
  command -v gcc >/dev/null || verdict_fail "gcc missing (it builds $SHIM_SRC): run e2e/guest/install-deps.sh"
  gcc -O2 -shared -fPIC -Wall -o "$SHIM.tmp.$$" "$SHIM_SRC" -ldl || verdict_fail "cannot build $SHIM_SRC"
  mv -f "$SHIM.tmp.$$" "$SHIM"
fi
RUN=$(mktemp -d "$WORK/run.XXXXXX")
chmod 755 "$RUN"
mkdir -p "$RUN/umldir"
UMID=lvs-$$-$RANDOM
PIDFILE=$RUN/umldir/$UMID/pid
CONSOLE=$RUN/console.log
q() { printf '%q' "$1"; }
{
  echo "export LVS_SCENARIO=$(q "$NAME")"
  echo "export LVS_SCENARIO_SCRIPT=$(q "$SCRIPT")"
  echo "export LVS_ROOT=$(q "$ROOT")"
  echo "export LVS_GUEST_DIR=$(q "$HERE")"
  echo "export LVS_JAVA_HOME=$(q "$LVS_JAVA_HOME")"
  echo "export LVS_CLASSPATH=$(q "$LVS_CLASSPATH")"
  echo "export LVS_RESULTS=/vmresults"
} > "$RUN/scenario.env"
# The guest has fresh /tmp and /run: host folders there that the scenario needs are exposed
# read-only at the same path (init.sh mounts what this file lists).
{
  for p in "$ROOT" "$HERE" "$(dirname "$SCRIPT")" "$LVS_JAVA_HOME" $(tr ':' ' ' <<< "$LVS_CLASSPATH"); do
    [ -f "$p" ] && p=$(dirname "$p")
    case "$p" in /tmp/*|/run/*) if [ -d "$p" ]; then echo "$p"; fi ;; esac
  done
} | sort -u > "$RUN/expose"

cleanup() {
  # linux.uml calls setsid(): the kernel, its helpers and one stub per guest address space share
  # the process group whose id is the main PID. SIGTERM lets UML stop them all; a group kill is
  # the last resort (SIGKILL of the main PID alone would leave the helpers running).
  local pid i
  pid=$(cat "$PIDFILE" 2>/dev/null || true)
  if [ -n "$pid" ] && pgrep -g "$pid" >/dev/null 2>&1; then
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 20); do pgrep -g "$pid" >/dev/null 2>&1 || break; sleep 0.25; done
    if pgrep -g "$pid" >/dev/null 2>&1; then
      say "UML $pid ignored SIGTERM; killing its process group"
      kill -KILL -- "-$pid" 2>/dev/null || true
    fi
  fi
  if [ "${KEEP:-0}" = 1 ]; then say "run directory kept: $RUN"; else rm -rf "$RUN"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

if [ "$CPU" = auto ]; then
  # Take the first CPU no other run holds. The lock descriptor is inherited by UML, so the CPU
  # stays taken until that UML exits. When every CPU is taken, share one.
  cpus=()
  for r in $(taskset -cp $$ | sed 's/.*: //; s/,/ /g'); do
    case "$r" in *-*) cpus+=($(seq "${r%-*}" "${r#*-}")) ;; *) cpus+=("$r") ;; esac
  done
  CPU=${cpus[$(( $$ % ${#cpus[@]} ))]}
  for c in "${cpus[@]}"; do
    exec {lockfd}>"$WORK/.cpu$c.lock"
    if flock -n "$lockfd"; then CPU=$c; break; fi
    exec {lockfd}>&-
  done
fi
PIN=()
[ "$CPU" = none ] || PIN=(taskset -c "$CPU")

say "scenario $NAME: booting UML $KVER (mem ${MEM}M, cpu $CPU, timeout ${TIMEOUT}s, run dir $RUN)"
T0=$(date +%s.%N)
# TMPDIR: UML backs guest RAM with a file there (must allow exec mappings).
# con=null ssl=null: no terminal channels; con0 is our stdout. No network device unless UML_EXTRA attaches one.
TMPDIR=/dev/shm LD_PRELOAD=$SHIM timeout -k 10 "$TIMEOUT" "${PIN[@]}" linux.uml mem="${MEM}M" \
    root=/dev/root rootfstype=hostfs rootflags=/ ro init="$HERE/init.sh" \
    con=null con0=null,fd:1 ssl=null uml_dir="$RUN/umldir" umid="$UMID" \
    quiet loglevel=3 panic=-1 lvs_results="$RUN" ${UML_EXTRA:-} \
    < /dev/null 2>&1 | while IFS= read -r line; do
      line=${line%$'\r'}
      printf '%s %s\n' "$(date +%s.%N)" "$line" >> "$CONSOLE"
      printf '%s\n' "$line"
    done &
wait $! || true   # in the background so that a signal to this script is handled at once
T1=$(date +%s.%N)

stamp() { awk -v p="$1" 'index($0, p) { print $1; exit }' "$CONSOLE" 2>/dev/null; }
elapsed() { [ -n "$2" ] && [ -n "$1" ] && awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
t_start=$(stamp "[init] scenario $NAME starting")
t_end=$(stamp "[init] scenario exit=")
echo "TIMING boot_to_scenario_s=$(elapsed "$T0" "$t_start" || echo '?')"
echo "TIMING scenario_s=$(elapsed "$t_start" "$t_end" || echo '?')"
echo "TIMING total_s=$(elapsed "$T0" "$T1")"

rc=$(cat "$RUN/scenario.exit" 2>/dev/null || echo none)
if [ "$rc" = none ]; then
  if [ -z "$t_start" ]; then verdict_fail "the guest did not reach the scenario (see console above)"; fi
  verdict_fail "the scenario did not finish within ${TIMEOUT}s"
fi
[ "$rc" = 0 ] || verdict_fail "scenario $NAME exited with status $rc"
grep -qx 'RESULT: PASS' "$RUN/scenario.log" || verdict_fail "scenario $NAME exited 0 but printed no 'RESULT: PASS'"
echo "RESULT: PASS"
