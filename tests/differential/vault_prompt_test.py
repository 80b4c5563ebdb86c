#!/usr/bin/env python3
"""--ask-vault-pass and --vault-id LABEL@prompt on a real pseudo-terminal:
the prompts are ansible-vault's, the typed password is not echoed, a new
password is asked twice and a mismatch fails, and ansible-vault reads the
file encrypted with the prompted password."""
import os
import pty
import select
import subprocess
import sys
import tempfile
import time

DROVER = os.environ["DROVER"]
passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAIL: {name}\n    {detail!r}")


def run_on_tty(args, answers, timeout=20):
    """Runs args with a pty as its controlling terminal; answers each prompt
    (a (prompt, reply) list) when the prompt text appears. Returns (rc, output)."""
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(args[0], args)
    out = b""
    pending = list(answers)
    deadline = time.time() + timeout
    answered_upto = 0
    while time.time() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
        while pending and pending[0][0].encode() in out[answered_upto:]:
            prompt, reply = pending.pop(0)
            out += b"<answered>"
            answered_upto = len(out)
            os.write(fd, reply.encode() + b"\n")
    else:
        os.kill(pid, 9)
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), out.decode(errors="replace")


with tempfile.TemporaryDirectory() as tmp:
    env_home = os.path.join(tmp, "home")
    os.makedirs(os.path.join(env_home, "tmp"))
    os.environ.update(HOME=env_home, ANSIBLE_LOCAL_TEMP=os.path.join(env_home, "tmp"))
    for var in ("DROVER_VAULT_PASSWORD_FILE", "ANSIBLE_VAULT_PASSWORD_FILE"):
        os.environ.pop(var, None)
    plain = os.path.join(tmp, "plain.yml")
    with open(plain, "w") as f:
        f.write("token: typed-on-a-tty\n")
    enc = os.path.join(tmp, "enc.yml")
    password = "Prompted-Pass-91"

    rc, out = run_on_tty([DROVER, "vault", "encrypt", "--ask-vault-pass", "--output", enc, plain],
                         [("New Vault password: ", password),
                          ("Confirm New Vault password: ", password)])
    check("encrypt --ask-vault-pass succeeds", rc == 0, out)
    check("the typed password is not echoed", password not in out, out)
    pwfile = os.path.join(tmp, "pw")
    with open(pwfile, "w") as f:
        f.write(password + "\n")
    r = subprocess.run(["ansible-vault", "view", "--vault-password-file", pwfile, enc],
                       capture_output=True, text=True)
    check("ansible-vault reads the prompted encryption", r.stdout == "token: typed-on-a-tty\n",
          r.stdout + r.stderr)

    rc, out = run_on_tty([DROVER, "vault", "view", "--ask-vault-pass", enc],
                         [("Vault password: ", password)])
    check("view --ask-vault-pass shows the plaintext", rc == 0 and "typed-on-a-tty" in out, out)

    rc, out = run_on_tty([DROVER, "vault", "view", "--vault-id", "ops@prompt", enc],
                         [("Vault password (ops): ", password)])
    check("--vault-id ops@prompt asks with the label", rc == 0 and "typed-on-a-tty" in out, out)

    rc, out = run_on_tty([DROVER, "vault", "encrypt", "--ask-vault-pass", "--output",
                          os.path.join(tmp, "x.yml"), plain],
                         [("New Vault password: ", "one"), ("Confirm New Vault password: ", "two")])
    check("mismatched confirmation fails and writes nothing",
          rc != 0 and "do not match" in out and not os.path.exists(os.path.join(tmp, "x.yml")), out)

print(f"vault prompt: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
