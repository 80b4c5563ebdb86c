#!/usr/bin/env bash
# `drover vault edit` / `create` with scripted editors: the plaintext lives
# only in a private 0700 directory (file 0600) under $XDG_RUNTIME_DIR, is
# gone after every exit path (normal, unchanged, editor failure, editor
# killed, drover killed), and the result decrypts with ansible-vault.
set -uo pipefail
source "$(dirname "$0")/../lib/check.sh"
: "${DROVER:?}"
[[ -d /dev/shm ]] || { echo "needs /dev/shm (tmpfs)"; exit 1; }
tmp=$(mktemp -d)
run=$(mktemp -d -p /dev/shm drover-edit-test.XXXXXX)
trap 'rm -rf "$tmp" "$run"' EXIT
export HOME="$tmp/home" ANSIBLE_LOCAL_TEMP="$tmp/home/tmp" XDG_RUNTIME_DIR="$run"
unset DROVER_VAULT_PASSWORD_FILE ANSIBLE_VAULT_PASSWORD_FILE ANSIBLE_VAULT_IDENTITY_LIST VISUAL
mkdir -p "$HOME/tmp"
cd "$tmp" || exit 1

workspace_empty() { [[ -z $(ls -A "$run") ]]; }

printf 'vault pass\n' >pw
printf 'other pass\n' >badpw
printf 'db_user: app\ndb_password: old-secret\n' >plain.yml
ansible-vault encrypt --vault-id prod@pw --output secrets.yml plain.yml >/dev/null 2>&1
chmod 640 secrets.yml

# An editor that changes a value and records where and how it saw the file.
cat >change-editor.sh <<'EOF'
#!/bin/sh
f=$1
printf '%s\n' "$f" >"$TEST_DIR/edited-path"
stat -c %a "$f" >"$TEST_DIR/file-mode"
stat -c %a "$(dirname "$f")" >"$TEST_DIR/dir-mode"
sed -i 's/old-secret/new-secret/' "$f"
EOF
chmod +x change-editor.sh
export TEST_DIR="$tmp"

EDITOR="$tmp/change-editor.sh" "$DROVER" vault edit --vault-id prod@pw secrets.yml
rc=$?
check "edit exits 0" test $rc -eq 0
check "edit: the new value decrypts with ansible-vault" \
  bash -c "ansible-vault view --vault-id prod@pw secrets.yml | grep -qx 'db_password: new-secret'"
check "edit keeps the vault id and 1.2 format" grep -qx '\$ANSIBLE_VAULT;1.2;AES256;prod' secrets.yml
check "edit keeps the file mode" test "$(stat -c %a secrets.yml)" = 640
check "edit: plaintext was under XDG_RUNTIME_DIR" grep -q "^$run/drover-vault-" edited-path
check "edit: plaintext file 0600, directory 0700" \
  bash -c "[[ \$(cat file-mode) == 600 && \$(cat dir-mode) == 700 ]]"
check "edit: no plaintext remains" workspace_empty
check "edit: the editor's file is gone" bash -c "[[ ! -e \$(cat edited-path) ]]"

# Unchanged: the file stays byte-identical.
cp secrets.yml before
EDITOR=true "$DROVER" vault edit --vault-id prod@pw secrets.yml
check "unchanged edit leaves the file byte-identical" cmp before secrets.yml
check "unchanged edit: no plaintext remains" workspace_empty

# VISUAL wins over EDITOR, and an editor command may carry arguments.
VISUAL="sed -i s/app/admin/" EDITOR=false "$DROVER" vault edit --vault-id prod@pw secrets.yml
check "VISUAL with arguments is used before EDITOR" \
  bash -c "ansible-vault view --vault-id prod@pw secrets.yml | grep -qx 'db_user: admin'"

# An editor killed by a signal after changing the text: nothing saved.
cp secrets.yml before
cat >killed-editor.sh <<'EOF'
#!/bin/sh
sed -i 's/new-secret/lost-change/' "$1"
kill -KILL $$
EOF
chmod +x killed-editor.sh
EDITOR="$tmp/killed-editor.sh" "$DROVER" vault edit --vault-id prod@pw secrets.yml 2>err
rc=$?
check "killed editor: non-zero exit" test $rc -ne 0
check "killed editor: error says so" grep -q 'killed by signal 9' err
check "killed editor: file byte-identical" cmp before secrets.yml
check "killed editor: no plaintext remains" workspace_empty

# An editor that fails (non-zero exit): nothing saved.
EDITOR="sh -c 'sed -i s/new-secret/failed-change/ \"\$1\"; exit 3' sh" \
  "$DROVER" vault edit --vault-id prod@pw secrets.yml 2>/dev/null
rc=$?
check "failing editor: non-zero exit, file byte-identical" bash -c "[[ $rc -ne 0 ]] && cmp before secrets.yml"
check "failing editor: no plaintext remains" workspace_empty

# drover itself gets SIGTERM / SIGHUP / SIGINT while the editor runs.
for sig in TERM HUP INT; do
  cat >slow-editor.sh <<'EOF'
#!/bin/sh
sed -i 's/new-secret/signal-change/' "$1"
sleep 30 &
trap 'kill $!; exit 1' INT TERM HUP
printf '%s\n' "$1" >"$TEST_DIR/slow-path"
wait
EOF
  chmod +x slow-editor.sh
  rm -f slow-path
  EDITOR="$tmp/slow-editor.sh" setsid "$DROVER" vault edit --vault-id prod@pw secrets.yml 2>/dev/null &
  pid=$!
  for _ in $(seq 400); do [[ -s slow-path ]] && break; sleep 0.05; done
  check "SIG$sig: the editor had the plaintext" test -s slow-path
  if [[ $sig == INT ]]; then
    # As in a terminal, Ctrl-C reaches the whole foreground group: the
    # editor decides (this one exits 1), drover saves nothing.
    kill -INT -- -"$pid"
  else
    kill -"$sig" "$pid"
  fi
  start=$SECONDS
  { wait "$pid"; } 2>/dev/null
  rc=$?
  check "SIG$sig: drover ended promptly" test $((SECONDS - start)) -lt 10
  check "SIG$sig: drover did not succeed (rc $rc)" test $rc -ne 0
  check "SIG$sig: file byte-identical" cmp before secrets.yml
  check "SIG$sig: no plaintext remains" workspace_empty
done

# A file that does not decrypt is never opened nor overwritten.
cp secrets.yml before
EDITOR="$tmp/change-editor.sh" "$DROVER" vault edit --vault-password-file badpw secrets.yml 2>err
rc=$?
check "wrong password: edit fails, file byte-identical" bash -c "[[ $rc -ne 0 ]] && cmp before secrets.yml"
check "wrong password: message" grep -qF 'Decryption failed (no vault secrets were found that could decrypt) on secrets.yml' err
check "wrong password: no plaintext remains" workspace_empty

# create: a new file, with a vault id, readable by ansible-vault.
EDITOR="sh -c 'printf \"token: fresh\\n\" >\"\$1\"' sh" \
  "$DROVER" vault create --vault-id dev@pw newdir/created.yml
check "create: ansible-vault reads it" \
  bash -c "ansible-vault view --vault-id dev@pw newdir/created.yml | grep -qx 'token: fresh' && head -1 newdir/created.yml | grep -qx '\$ANSIBLE_VAULT;1.2;AES256;dev'"
check "create refuses an existing file" \
  bash -c "! EDITOR=true '$DROVER' vault create --vault-password-file pw secrets.yml 2>/dev/null && cmp before secrets.yml"
check "create: no plaintext remains" workspace_empty

finish "vault edit"
