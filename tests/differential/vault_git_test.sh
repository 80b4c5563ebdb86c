#!/usr/bin/env bash
# Vault files in git, configured as the README says: `drover vault view` as a
# textconv driver (git diff / git log -p show plaintext changes), and
# `drover vault merge-driver` merging two branches that changed the same
# vault file: a clean merge stays encrypted and decrypts (with ansible-vault)
# to both changes; a conflict is re-encrypted with the markers inside.
set -uo pipefail
source "$(dirname "$0")/../lib/check.sh"
: "${DROVER:?}"
command -v git >/dev/null || { echo "git not installed"; exit 1; }
tmp=$(mktemp -d)
run=$(mktemp -d -p /dev/shm drover-git-test.XXXXXX)
trap 'rm -rf "$tmp" "$run"' EXIT
export HOME="$tmp/home" ANSIBLE_LOCAL_TEMP="$tmp/home/tmp" XDG_RUNTIME_DIR="$run"
export GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com
export GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.com
unset DROVER_VAULT_PASSWORD_FILE ANSIBLE_VAULT_PASSWORD_FILE ANSIBLE_VAULT_IDENTITY_LIST
mkdir -p "$HOME/tmp"
cd "$tmp" || exit 1


printf 'repo pass\n' >"$tmp/pw"
git init -q repo
cd repo || exit 1
git checkout -q -b main
# The lines the README documents.
printf 'secrets.yml diff=vault merge=vault\n' >.gitattributes
git config diff.vault.textconv "$DROVER vault view --vault-password-file $tmp/pw"
git config merge.vault.name "drover vault merge driver"
git config merge.vault.driver "$DROVER vault merge-driver --vault-password-file $tmp/pw %O %A %B %P"

printf 'a: 1\nb: 2\nc: 3\nd: 4\ne: 5\nf: 6\ng: 7\n' >secrets.yml
"$DROVER" vault encrypt --vault-id prod@"$tmp/pw" secrets.yml
git add .gitattributes secrets.yml
git commit -qm base

# textconv: the diff shows the plaintext line that changed.
EDITOR="sed -i s/b:\ 2/b:\ 20/" "$DROVER" vault edit --vault-id prod@"$tmp/pw" secrets.yml
check "git diff shows the plaintext change" \
  bash -c "git diff | grep -qx -- '-b: 2' && git diff | grep -qx -- '+b: 20' && ! git diff | grep -q ANSIBLE_VAULT"
git commit -qam "b"
check "git log -p shows plaintext" bash -c "git log -p -1 | grep -qx -- '+b: 20'"

# Clean merge: main changes a, topic changes g.
git checkout -q -b topic HEAD
EDITOR="sed -i s/g:\ 7/g:\ 70/" "$DROVER" vault edit --vault-id prod@"$tmp/pw" secrets.yml
git commit -qam "g on topic"
git checkout -q main
EDITOR="sed -i s/a:\ 1/a:\ 10/" "$DROVER" vault edit --vault-id prod@"$tmp/pw" secrets.yml
git commit -qam "a on main"
check "clean merge succeeds" git merge -q --no-edit topic
check "merged file is still a 1.2 vault with its id" grep -qx '\$ANSIBLE_VAULT;1.2;AES256;prod' secrets.yml
check "merged file decrypts (ansible-vault) to both changes" \
  bash -c "ansible-vault view --vault-id prod@$tmp/pw secrets.yml | diff - <(printf 'a: 10\nb: 20\nc: 3\nd: 4\ne: 5\nf: 6\ng: 70\n')"

# Conflict: both branches change c.
git checkout -q -b topic2 HEAD
EDITOR="sed -i s/c:\ 3/c:\ topic/" "$DROVER" vault edit --vault-id prod@"$tmp/pw" secrets.yml
git commit -qam "c on topic2"
git checkout -q main
EDITOR="sed -i s/c:\ 3/c:\ main/" "$DROVER" vault edit --vault-id prod@"$tmp/pw" secrets.yml
git commit -qam "c on main"
check "conflicting merge fails" bash -c "! git merge -q --no-edit topic2"
check "conflicted file is still encrypted" grep -qx '\$ANSIBLE_VAULT;1.2;AES256;prod' secrets.yml
check "conflict markers are inside the plaintext" \
  bash -c "'$DROVER' vault view --vault-password-file $tmp/pw secrets.yml | grep -q '^<<<<<<< ' && '$DROVER' vault view --vault-password-file $tmp/pw secrets.yml | grep -qx 'c: topic'"
git merge --abort

# A wrong password: the driver fails and leaves ours untouched.
cp secrets.yml before
printf 'nope\n' >"$tmp/bad"
cp secrets.yml ours
check "merge-driver with a wrong password fails, ours untouched" \
  bash -c "! '$DROVER' vault merge-driver --vault-password-file $tmp/bad before ours before 2>/dev/null && cmp ours before"
check "merge-driver leaves no plaintext in its workspace" \
  bash -c "[[ -z \$(ls -A '$run') ]]"

finish "vault git"
