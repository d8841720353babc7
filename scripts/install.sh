#!/usr/bin/env bash
# Installs a launchready release binary: downloads the archive for this OS and
# architecture, verifies its SHA-256 against the release's checksums file, extracts
# the binary and puts it on PATH. Used by the GitHub Action (action.yml); runs as well
# on any machine with bash, curl, tar (and unzip on Windows).
#
# Environment (all optional):
#   LAUNCHREADY_VERSION       "latest" (default), "1.2.3" or "v1.2.3"
#   LAUNCHREADY_REPOSITORY    owner/name of the releases (default: the Action's own repository,
#                             from GITHUB_ACTION_PATH, else launchready/launchready)
#   LAUNCHREADY_RELEASES_URL  base URL of the releases (default https://github.com/<repository>/releases);
#                             must be https, except on loopback (tests)
#   LAUNCHREADY_INSTALL_DIR   where the binary goes (default: the runner's tool cache, or ~/.local/bin)
#   LAUNCHREADY_OS, LAUNCHREADY_ARCH  override the detected linux|darwin|windows, amd64|arm64
#   GITHUB_PATH, GITHUB_OUTPUT  set by GitHub Actions: the install dir is added to PATH,
#                             and the outputs version and path are written
#
# Release asset names follow .goreleaser.yaml: launchready_<version>_<os>_<arch>.tar.gz
# (.zip on Windows) and launchready_<version>_checksums.txt, under download/v<version>/.
set -euo pipefail

die() { echo "launchready install: $*" >&2; exit 1; }

repo="${LAUNCHREADY_REPOSITORY:-}"
if [ -z "$repo" ] && [ -n "${GITHUB_ACTION_PATH:-}" ]; then
  # In the Action: …/_actions/<owner>/<name>/<ref>, the repository it was used from.
  p="${GITHUB_ACTION_PATH%/}"
  case "$p" in
    */_actions/*/*/*) p="${p%/*}"; repo="${p#*/_actions/}" ;;
  esac
fi
repo="${repo:-launchready/launchready}"
base="${LAUNCHREADY_RELEASES_URL:-https://github.com/${repo}/releases}"
base="${base%/}"
case "$base" in
  https://*) ;;
  http://127.0.0.1[:/]* | http://localhost[:/]* | "http://[::1]"[:/]*) ;;
  *) die "refusing to download from $base: the releases URL must be https" ;;
esac

curl_get() { curl --fail --silent --show-error --location --retry 3 --retry-delay 2 "$@"; }

# The platform, as goreleaser names it.
os="${LAUNCHREADY_OS:-}"
if [ -z "$os" ]; then
  case "${RUNNER_OS:-$(uname -s)}" in
    Linux | linux) os=linux ;;
    macOS | Darwin | darwin) os=darwin ;;
    Windows | MINGW* | MSYS* | CYGWIN*) os=windows ;;
    *) die "unsupported operating system ${RUNNER_OS:-$(uname -s)}" ;;
  esac
fi
arch="${LAUNCHREADY_ARCH:-}"
if [ -z "$arch" ]; then
  case "${RUNNER_ARCH:-$(uname -m)}" in
    X64 | x86_64 | amd64) arch=amd64 ;;
    ARM64 | arm64 | aarch64) arch=arm64 ;;
    *) die "unsupported architecture ${RUNNER_ARCH:-$(uname -m)}" ;;
  esac
fi

# The version: "latest" is what the releases page's latest redirect points at.
version="${LAUNCHREADY_VERSION:-latest}"
if [ -z "$version" ] || [ "$version" = latest ]; then
  url=$(curl_get --head --output /dev/null --write-out '%{url_effective}' "$base/latest") ||
    die "cannot find the latest release at $base/latest"
  tag="${url##*/}"
  case "$tag" in
    v[0-9]*) ;;
    *) die "the latest release at $base/latest resolved to $url, which names no version tag" ;;
  esac
  version="$tag"
fi
version="${version#v}"
case "$version" in
  [0-9]*) ;;
  *) die "version \"$version\" is not a release version such as 1.2.3" ;;
esac
tag="v$version"

ext=tar.gz
[ "$os" = windows ] && ext=zip
archive="launchready_${version}_${os}_${arch}.${ext}"
sums="launchready_${version}_checksums.txt"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "launchready install: downloading $archive ($tag)"
curl_get --output "$tmp/$archive" "$base/download/$tag/$archive" || die "cannot download $base/download/$tag/$archive"
curl_get --output "$tmp/$sums" "$base/download/$tag/$sums" || die "cannot download $base/download/$tag/$sums"

# Verify: the checksums file must list the archive exactly once, and its SHA-256 must match.
expected=$(awk -v f="$archive" '$2 == f || $2 == "*" f { print $1 }' "$tmp/$sums")
[ -n "$expected" ] || die "$sums does not list $archive: refusing to install an unverified binary"
[ "$(printf '%s\n' "$expected" | wc -l)" -eq 1 ] || die "$sums lists $archive more than once"
printf '%s' "$expected" | grep -Eq '^[0-9a-f]{64}$' || die "$sums has no SHA-256 for $archive"
if command -v sha256sum >/dev/null 2>&1; then
  actual=$(sha256sum "$tmp/$archive" | awk '{print $1}')
elif command -v shasum >/dev/null 2>&1; then
  actual=$(shasum -a 256 "$tmp/$archive" | awk '{print $1}')
else
  die "neither sha256sum nor shasum is installed: cannot verify the download"
fi
if [ "$actual" != "$expected" ]; then
  die "checksum mismatch for $archive: $sums says $expected, the download is $actual; refusing to install it"
fi
echo "launchready install: $archive matches $sums (sha256 $actual)"

# Extract the binary only.
bin=launchready
[ "$os" = windows ] && bin=launchready.exe
mkdir "$tmp/x"
if [ "$ext" = zip ]; then
  if command -v unzip >/dev/null 2>&1; then
    unzip -q -o "$tmp/$archive" "$bin" -d "$tmp/x"
  else
    powershell -NoProfile -Command "Expand-Archive -Force -Path '$tmp/$archive' -DestinationPath '$tmp/x'"
  fi
else
  tar -xzf "$tmp/$archive" -C "$tmp/x" "$bin"
fi
[ -f "$tmp/x/$bin" ] || die "$archive holds no $bin"

dir="${LAUNCHREADY_INSTALL_DIR:-}"
if [ -z "$dir" ]; then
  if [ -n "${RUNNER_TOOL_CACHE:-}" ]; then
    dir="$RUNNER_TOOL_CACHE/launchready/$version/$arch"
  else
    dir="$HOME/.local/bin"
  fi
fi
mkdir -p "$dir"
install -m 0755 "$tmp/x/$bin" "$dir/$bin" 2>/dev/null || { cp "$tmp/x/$bin" "$dir/$bin" && chmod 0755 "$dir/$bin"; }

"$dir/$bin" version
if [ -n "${GITHUB_PATH:-}" ]; then
  echo "$dir" >>"$GITHUB_PATH"
fi
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  { echo "version=$version"; echo "path=$dir/$bin"; } >>"$GITHUB_OUTPUT"
fi
echo "launchready install: launchready $version installed to $dir"
