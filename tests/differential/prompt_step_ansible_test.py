#!/usr/bin/python3
"""vars_prompt and --step on a real pseudo-terminal, drover against
ansible-playbook 2.14 (localhost, local connection): the same prompts are
asked in the same order (default shown, confirm asked twice and re-asked on
a mismatch, private answers not echoed, encrypt hashing as Ansible does),
the play sees the same values; --step asks "Perform task: TASK: <name>
(N)o/(y)es/(c)ontinue: " and runs exactly the tasks Ansible runs."""
import os
import pty
import re
import select
import shutil
import sys
import tempfile
import time

DROVER = os.environ.get("DROVER", "build/drover")
passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL: %s\n%s" % (name, detail))


def run_on_tty(args, cwd, answers, timeout=60):
    """Runs args on a pty, answering each (prompt, reply) in turn when the
    prompt text appears after the previous answer. Returns (rc, output,
    prompts answered)."""
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(cwd)
        os.environ.update(ANSIBLE_NOCOLOR="1", NO_COLOR="1", ANSIBLE_RETRY_FILES_ENABLED="0")
        os.execv(args[0], args)
    out = b""
    pending = list(answers)
    done = 0
    upto = 0
    deadline = time.time() + timeout
    while time.time() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        while pending and pending[0][0].encode() in out[upto:]:
            prompt, reply = pending.pop(0)
            upto = out.index(prompt.encode(), upto) + len(prompt)
            os.write(fd, reply.encode() + b"\n")
            done += 1
    else:
        os.kill(pid, 9)
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), out.decode(errors="replace").replace("\r", ""), done


PROMPT_PLAY = """- hosts: all
  gather_facts: false
  vars_prompt:
    - {name: user, prompt: "User name", private: false, default: admin}
    - {name: secret, prompt: "Secret", confirm: true}
    - {name: hashed, prompt: "Hash me", private: false, encrypt: sha512_crypt, salt: abcdefghijklmnop}
    - {name: given, prompt: "Not asked"}
  tasks:
    - debug: {msg: "user={{ user }} secret={{ secret | hash('sha1') }} hashed={{ hashed }} given={{ given }}"}
"""
PROMPT_ANSWERS = [("User name [admin]: ", ""), ("Secret: ", "Typed-Pw-1"),
                  ("confirm Secret: ", "Typed-Pw-2"), ("Secret: ", "Typed-Pw-3"),
                  ("confirm Secret: ", "Typed-Pw-3"), ("Hash me: ", "hello")]

STEP_PLAY = """- hosts: all
  gather_facts: false
  tasks:
    - {name: one, debug: {msg: ran-one}}
    - {name: two, debug: {msg: ran-two}}
    - {name: inc, include_tasks: inc.yml}
    - {name: three, debug: {msg: ran-three}}
    - {name: four, debug: {msg: ran-four}}
"""
STEP_ANSWERS = [("Perform task: TASK: one (N)o/(y)es/(c)ontinue: ", "n"),
                ("Perform task: TASK: two (N)o/(y)es/(c)ontinue: ", "y"),
                ("Perform task: TASK: inc (N)o/(y)es/(c)ontinue: ", "y"),
                ("Perform task: TASK: five (N)o/(y)es/(c)ontinue: ", "y"),
                ("Perform task: TASK: three (N)o/(y)es/(c)ontinue: ", "c")]


def msgs(out):
    return re.findall(r'"msg": "([^"]*)"', out)


with tempfile.TemporaryDirectory() as tmp:
    with open(os.path.join(tmp, "hosts"), "w") as f:
        f.write("localhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n")
    with open(os.path.join(tmp, "prompt.yml"), "w") as f:
        f.write(PROMPT_PLAY)
    with open(os.path.join(tmp, "step.yml"), "w") as f:
        f.write(STEP_PLAY)
    with open(os.path.join(tmp, "inc.yml"), "w") as f:
        f.write("- {name: five, debug: {msg: ran-five}}\n")
    ansible = shutil.which("ansible-playbook") or "/usr/bin/ansible-playbook"
    results = {}
    for tool, cmd in (("ansible", [ansible]), ("drover", [DROVER, "playbook"])):
        results[tool] = run_on_tty(cmd + ["-i", "hosts", "prompt.yml", "-e", "given=from-e"], tmp,
                                   PROMPT_ANSWERS)
    (arc, aout, adone), (drc, dout, ddone) = results["ansible"], results["drover"]
    check("vars_prompt: ansible-playbook answered every prompt", arc == 0 and adone == 6, aout)
    check("vars_prompt: drover asked the same prompts in order", drc == 0 and ddone == 6, dout)
    check("vars_prompt: the play sees the same values",
          msgs(aout) == msgs(dout) and len(msgs(dout)) == 1, "%s\n%s" % (msgs(aout), msgs(dout)))
    check("vars_prompt: the mismatch is reported",
          "VALUES ENTERED DO NOT MATCH" in dout, dout)
    check("vars_prompt: private answers are not echoed", "Typed-Pw" not in dout, dout)
    check("vars_prompt: public answers are echoed", "hello" in dout, dout)

    for tool, cmd in (("ansible", [ansible]), ("drover", [DROVER, "playbook"])):
        results[tool] = run_on_tty(cmd + ["-i", "hosts", "step.yml", "--step"], tmp, STEP_ANSWERS)
    (arc, aout, adone), (drc, dout, ddone) = results["ansible"], results["drover"]
    check("--step: ansible-playbook asked five times", arc == 0 and adone == 5, aout)
    check("--step: drover asked the same five questions", drc == 0 and ddone == 5, dout)
    check("--step: the same tasks ran",
          msgs(aout) == msgs(dout) == ["ran-two", "ran-five", "ran-three", "ran-four"],
          "%s\n%s" % (msgs(aout), msgs(dout)))
    check("--step: four is not asked after (c)ontinue",
          "TASK: four (N)o" not in dout and "TASK: four (N)o" not in aout, dout)

print("vars_prompt and --step vs ansible-playbook: %d passed, %d failed" % (passed, failed))
sys.exit(0 if failed == 0 else 1)
