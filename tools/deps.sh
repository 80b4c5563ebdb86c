#!/usr/bin/env bash
# Installs every build and test dependency from Debian's packages.
# Idempotent and quiet: does nothing when all are present, and runs
# `apt-get update` only when a package is missing and cannot be found.
set -euo pipefail

packages=(
  # build
  meson ninja-build pkg-config g++ clang-format ccache
  libssh-dev libyaml-cpp-dev libfmt-dev doctest-dev libssl-dev libpcre2-dev libcli11-dev
  # tests: reference implementations and a real sshd
  python3 python3-yaml python3-jinja2 ansible-core python3-passlib git
  ansible  # the community collections (community.general, ansible.posix, ...): the modules' reference
  openssh-server openssh-client sudo
  curl wget tar gzip xz-utils bzip2 zip unzip  # net modules (get_url, uri, unarchive) tests
  # local VMs (tools/vm/, the e2e tier): base image, boot, `ss`
  debootstrap systemd-container iproute2
  apt-cacher-ng iptables nftables  # netns hosts: their apt/npm proxy (tools/vm/net.sh); iptables/nft only READ this machine's rules in tests
  pebble  # the main job's local ACME server (make demo: certbot's webroot flow against it)
  # /usr/bin/time -v: peak RSS in tests/integration/write_safety_test.sh
  time
  clang libclang-rt-dev  # the sanitize tier (ASan+UBSan build, make asan) and make fuzz (libFuzzer)
  debhelper dpkg-dev  # make deb (dpkg-buildpackage with dh; Rules-Requires-Root: no, so no fakeroot)
  man-db zsh file  # tests/integration/install_test.sh: the man page renders, the zsh completion loads, stripped
  strace  # tools/bench/batch_bench.sh: host processes per task (forks counted on the test sshds)
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

sudo=""
[[ $(id -u) -eq 0 ]] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
install() {
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/tmp/drover-deps.log 2>&1
}
echo "deps: installing ${missing[*]}"
if ! install; then
  $sudo apt-get update -qq >/tmp/drover-deps-update.log 2>&1
  install || { cat /tmp/drover-deps.log; exit 1; }
fi
