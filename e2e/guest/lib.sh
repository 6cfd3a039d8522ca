# Helpers for guest scenarios: source it first (". "$LVS_GUEST_DIR/lib.sh"), record checks, end
# with "finish". Runs inside the guest, as root, under bash.
#
#   check NAME CMD [ARGS...]     runs CMD; "CHECK ok NAME" or "CHECK FAIL NAME: exit N"
#   expect NAME PATTERN CMD...   runs CMD; passes when its output matches the extended regex PATTERN
#   ok NAME / fail NAME DETAIL   records a check decided by the scenario itself
#   guest_java MAIN [ARGS...]    runs a Java 25 main class on the project classpath; its own
#                                "CHECK ..." lines count like the scenario's, and the run itself is
#                                the check "java SIMPLENAME" (a non-zero exit fails it)
#   finish                       prints "RESULT: PASS" (exit 0) when at least one check ran and
#                                none failed, else "RESULT: FAIL" (exit 1)
#
# Every command here is a guest fork/exec (~12 ms in UML): prefer one Java run over many commands.
set -u
LVS_CHECKS_RUN=0
LVS_CHECKS_FAILED=0
LVS_JAVA_OPTS=${LVS_JAVA_OPTS:--XX:+UseSerialGC -XX:-UsePerfData -XX:TieredStopAtLevel=1}

log() { echo "[guest $(date +%T.%3N)] $*"; }

ok() {
  LVS_CHECKS_RUN=$((LVS_CHECKS_RUN + 1))
  echo "CHECK ok $1"
}

fail() {
  LVS_CHECKS_RUN=$((LVS_CHECKS_RUN + 1))
  LVS_CHECKS_FAILED=$((LVS_CHECKS_FAILED + 1))
  echo "CHECK FAIL $1: ${2:-failed}"
}

check() {
  local name=$1 out rc
  shift
  out=$("$@" 2>&1) && rc=0 || rc=$?
  [ -z "$out" ] || printf '%s\n' "$out"
  if [ "$rc" = 0 ]; then ok "$name"; else fail "$name" "'$*' exited $rc"; fi
}

expect() {
  local name=$1 pattern=$2 out
  shift 2
  out=$("$@" 2>&1) || true
  printf '%s\n' "$out"
  if printf '%s\n' "$out" | grep -Eq -- "$pattern"; then ok "$name"; else fail "$name" "'$*' did not print /$pattern/"; fi
}

guest_java() {
  local main=$1 rc line t0 t1
  shift
  t0=$(date +%s%N)
  # shellcheck disable=SC2086
  exec {jout}< <("$LVS_JAVA_HOME/bin/java" $LVS_JAVA_OPTS --enable-native-access=ALL-UNNAMED \
      -cp "$LVS_CLASSPATH" "$main" "$@" 2>&1; echo "JAVA-EXIT $?")
  rc=unknown
  while IFS= read -r line <&"$jout"; do
    case "$line" in
      "JAVA-EXIT "*) rc=${line#JAVA-EXIT } ;;
      "CHECK ok "*) LVS_CHECKS_RUN=$((LVS_CHECKS_RUN + 1)); echo "$line" ;;
      "CHECK FAIL "*) LVS_CHECKS_RUN=$((LVS_CHECKS_RUN + 1)); LVS_CHECKS_FAILED=$((LVS_CHECKS_FAILED + 1)); echo "$line" ;;
      *) echo "$line" ;;
    esac
  done
  exec {jout}<&-
  t1=$(date +%s%N)
  log "java $main exited $rc after $(( (t1 - t0) / 1000000 )) ms"
  if [ "$rc" = 0 ]; then ok "java ${main##*.}"; else fail "java ${main##*.}" "exit status $rc"; fi
}

finish() {
  if [ "$LVS_CHECKS_RUN" -gt 0 ] && [ "$LVS_CHECKS_FAILED" = 0 ]; then
    echo "checks: $LVS_CHECKS_RUN run, 0 failed"
    echo "RESULT: PASS"
    exit 0
  fi
  echo "checks: $LVS_CHECKS_RUN run, $LVS_CHECKS_FAILED failed"
  echo "RESULT: FAIL"
  exit 1
}
