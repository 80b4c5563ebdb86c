#!/usr/bin/env bash
# `make install DESTDIR=...` and `make deb`, as a user runs them (issue 20):
# the installed drover is the release build, stripped, and runs; `man -l` of
# its page renders every command; the ansible-* links resolve to it; the bash
# and zsh completions load and offer every command `drover --help` lists (and
# no flag a command rejects). The .deb's Depends come from the shared
# libraries; unpacked into a throwaway root (dpkg -x: `dpkg -i` would change
# this machine), its drover pings a private sshd on 127.0.0.1.
# Both share the release build dir (build-release): the first run on a cold
# ccache compiles it (minutes on 2 cores), later runs reconfigure only.
source "$(dirname "$0")/sshd_lib.sh"
source "$(dirname "$0")/../lib/check.sh"
cd "$(dirname "$0")/../.."
root=$T/root

# --- make install
start=$SECONDS
make --no-print-directory install DESTDIR="$root" >"$T/install.log" 2>&1 ||
  { tail -30 "$T/install.log"; exit 1; }
echo "make install: $((SECONDS - start))s"
bin=$root/usr/local/bin/drover
check "drover installed in PREFIX/bin" test -x "$bin"
check "--version runs" bash -c "'$bin' --version | grep -qx 'drover [0-9.]*'"
check "stripped" bash -c "file -L '$bin' | grep -q ', stripped'"
check "release build (no debug info)" bash -c "! readelf -S '$bin' | grep -q debug_info"
check "not the debug build" bash -c "! cmp -s '$bin' build/drover"

page=$root/usr/local/share/man/man1/drover.1
check "man page installed" test -s "$page"
man -l "$page" >"$T/man.txt" 2>"$T/man.err" </dev/null || true
check "man page renders without warnings" test ! -s "$T/man.err"
check "man drover finds it under MANPATH" bash -c "MANPATH='$root/usr/local/share/man' man -w drover | grep -qx '$page'"
check "man page NAME" grep -qE "drover +- +an +agentless +provisioning +engine" "$T/man.txt"
for command in $("$DROVER" --help | sed -n '/^Commands:/,/^$/p' | awk 'NF && !/:$/ {print $1}'); do
  check "man page has drover $command" grep -q "^   drover $command\$" "$T/man.txt"
done
check "man page has vault's subcommands" grep -q "^   drover vault encrypt_string\$" "$T/man.txt"

links=$root/usr/local/lib/drover/ansible-bin
for link in ansible-playbook ansible ansible-vault ansible-inventory; do
  check "$link links to bin/drover" test "$(readlink -f "$links/$link")" = "$(readlink -f "$bin")"
done
check "ansible-playbook link runs playbook" bash -c "'$links/ansible-playbook' --help | grep -q '^Runs Ansible playbooks'"
check "links are relative (resolve under any DESTDIR)" bash -c "readlink '$links/ansible' | grep -q '^\.\./'"

bash_completion=$root/usr/local/share/bash-completion/completions/drover
check "bash completion loads" bash -c "source '$bash_completion' && complete -p drover | grep -q _drover"
# complete WORDS...: what the bash completion offers for the last word.
complete_words() {
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _drover; printf "%s\n" "${COMPREPLY[@]}"' \
    _ "$bash_completion" "$@"
}
offered=$(complete_words drover "")
for command in $("$DROVER" --help | sed -n '/^Commands:/,/^$/p' | awk 'NF && !/:$/ {print $1}'); do
  check "bash completion offers $command" grep -qx "$command" <<<"$offered"
done
check "bash completion: vault subcommands" bash -c "[[ '$(complete_words drover vault re)' == rekey ]]"
# Every flag offered is one the command accepts (its --help lists it).
for command in playbook adhoc inventory template vault recap persist; do
  help=$("$DROVER" "$command" --help)
  [[ $command != vault ]] || help+=$'\n'$("$DROVER" vault create --help)  # vault's flags are its subcommands
  for flag in $(complete_words drover "$command" -); do
    check "bash completion: $command $flag exists" grep -qE -- "(^|[ ,/])$flag([ ,=/]|\$)" <<<"$help"
  done
done
zsh_dir=$root/usr/local/share/zsh/site-functions
check "zsh completion parses" zsh -n "$zsh_dir/_drover"
check "zsh completion registers for drover" bash -c \
  "zsh -f -c 'fpath=($zsh_dir \$fpath); autoload -Uz compinit; compinit -u -d $T/zcompdump; print \${_comps[drover]}' | grep -qx _drover"

# --- make deb, unpacked, pings a private sshd
start=$SECONDS
make --no-print-directory deb >"$T/deb.log" 2>&1 || { tail -40 "$T/deb.log" build/deb/build.log; exit 1; }
echo "make deb: $((SECONDS - start))s"
mapfile -t debs < <(ls build/deb/*.deb)
check "one .deb built under build/deb" test "${#debs[@]}" -eq 1
deb=${debs[0]}
check "no dpkg-buildpackage artefacts outside build/" bash -c "! ls ../drover_*.deb ../drover_*.changes ./*.deb 2>/dev/null | grep -q ."
check "no build artefact left in debian/" bash -c "[[ -z \$(git ls-files --others debian) ]]"
version=$("$DROVER" --version | head -1 | cut -d' ' -f2)
check "package version is drover's" test "$(dpkg-deb -f "$deb" Version)" = "$version"
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libssh libyaml-cpp libssl libpcre2-8; do  # fmt: header-only here
  check "Depends on $lib (from shlibs)" grep -q "$lib" <<<"$depends"
done
dpkg-deb -c "$deb" >"$T/contents"
for path in ./usr/bin/drover ./usr/share/man/man1/drover.1.gz ./usr/share/bash-completion/completions/drover \
  ./usr/share/zsh/vendor-completions/_drover "./usr/lib/drover/ansible-bin/ansible-playbook -> ../../../bin/drover"; do
  check "package has $path" grep -qF -- "$path" "$T/contents"
done
mkdir "$T/pkgroot"
dpkg -x "$deb" "$T/pkgroot"
pkg_drover=$T/pkgroot/usr/bin/drover
check "package's man page names /usr links" bash -c "zcat '$T/pkgroot/usr/share/man/man1/drover.1.gz' | grep -qF '/usr/lib/drover/ansible\\-bin'"

sshd_setup
sshd_start a
"$pkg_drover" ping all -i "127.0.0.1:${SSHD_PORT[a]}," -u root --private-key "$T/id_ed25519" \
  --ssh-common-args "-o UserKnownHostsFile=$T/known_hosts" >"$T/ping.out" 2>&1 && rc=0 || rc=$?
check "packaged drover pings the sshd" grep -q '"ping": "pong"' "$T/ping.out"
check "ping exits 0" test "$rc" -eq 0
"$T/pkgroot/usr/lib/drover/ansible-bin/ansible" all -i "127.0.0.1:${SSHD_PORT[a]}," -u root \
  --private-key "$T/id_ed25519" --ssh-common-args "-o UserKnownHostsFile=$T/known_hosts" -m ping \
  >"$T/ansible.out" 2>&1 || true
check "packaged ansible link pings too" grep -q "SUCCESS" "$T/ansible.out"
finish "install"
