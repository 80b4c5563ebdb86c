#!/usr/bin/env python3
"""drover playbook's live progress line on a real pseudo-terminal:
- it is erased before any other output is written, so no other text is ever
  glued to it (no `...00:05ok: [web1]`);
- it shows the play's real task count (task n/m);
- it is redrawn while a task runs (the elapsed time moves) and cut to the
  terminal's width, redrawn to the new width on SIGWINCH;
- it is gone before PLAY RECAP;
- it is off with --no-progress, DROVER_PROGRESS=0, or stdout not a terminal."""
import fcntl
import os
import pty
import re
import select
import struct
import sys
import tempfile
import termios
import time

DROVER = os.environ["DROVER"]
passed = failed = 0
PROGRESS = re.compile(r"\[drover\] (task \d+/\d+ |handler ).* \| hosts \d+/\d+ done \| \d\d:\d\d")


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok: {name}")
    else:
        failed += 1
        print(f"FAIL: {name}\n    {detail!r}"[:2000])


def set_columns(fd, columns):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))


def run_on_tty(argv, columns=100, resize_after=None, resize_to=40, env=None, timeout=60):
    """Runs argv on a pty of `columns`; once the regex `resize_after` matches
    the output, the terminal is narrowed to `resize_to` (the kernel sends
    SIGWINCH). Returns (rc, output, offset of the resize in the output)."""
    pid, fd = pty.fork()
    if pid == 0:
        if env is not None:
            os.environ.update(env)
        os.execv(argv[0], argv)
    set_columns(fd, columns)
    out = b""
    resized_at = None
    deadline = time.time() + timeout
    while time.time() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
        if resize_after and resized_at is None and re.search(resize_after.encode(), out):
            set_columns(fd, resize_to)
            resized_at = len(out)
    else:
        os.kill(pid, 9)
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), out.decode(errors="replace"), resized_at


def segments(text):
    """What the terminal shows, piece by piece: lines, split where a carriage
    return moves back to the first column, each without the erase code."""
    for line in text.replace("\r\n", "\n").split("\n"):
        for piece in line.split("\r"):
            yield piece.replace("\033[K", "")


with tempfile.TemporaryDirectory() as tmp:
    os.chdir(tmp)
    with open("inv.ini", "w") as f:
        f.write("[web]\nh1 ansible_connection=local\nh2 ansible_connection=local\n")
    long_name = "a slow task whose name is far too long for a narrow terminal window to show"
    with open("site.yml", "w") as f:
        f.write(f"""- hosts: all
  gather_facts: false
  tasks:
    - name: quick
      debug: msg=hello
    - name: {long_name}
      command: sleep 2.5
    - name: items
      debug: msg={{{{ item }}}}
      loop: [1, 2]
    - name: tagged away
      debug: msg=never
      tags: [never]
    - name: last
      command: sleep 1.2
""")
    base = [DROVER, "playbook", "-i", "inv.ini", "site.yml"]
    # Narrowed once the slow task's line has been drawn whole at 100 columns.
    rc, out, resized_at = run_on_tty(base, columns=100,
                                     resize_after=r"\[drover\] task 2/4 [^\r\n]* done \| \d\d:\d\d")
    check("the run succeeds", rc == 0, out)
    pieces = list(segments(out))
    progress = [p for p in pieces if p.startswith("[drover] ")]
    check("the progress line is drawn", len(progress) >= 4, out)
    # Whole, or cut at the narrowed terminal's last usable column (39).
    glued = [p for p in progress if not PROGRESS.fullmatch(p) and not
             (p.endswith("~") and len(p) == 39 and re.match(r"\[drover\] task \d+/\d+ ", p))]
    check("nothing is ever glued to the progress line", not glued, glued)
    stray = [p for p in pieces if "[drover]" in p and not p.startswith("[drover] ")]
    check("no output line carries a piece of the progress line", not stray, stray)
    counts = {m.group(1) for m in map(re.compile(r"task \d+/(\d+)").search, progress) if m}
    check("the real task count: 4 (the never-tagged task does not count)", counts == {"4"}, counts)
    indexes = [int(m.group(1)) for m in map(re.compile(r"task (\d+)/").search, progress) if m]
    check("tasks 1 to 4 are shown in order", sorted(set(indexes)) == [1, 2, 3, 4]
          and indexes == sorted(indexes), indexes)
    slow = [p for p in progress if "task 2/4" in p]
    times = {p[-5:] for p in slow}
    check("the line is redrawn while a task runs (elapsed time moves)", len(times) >= 2, slow)
    before = [p for p in slow if out.find(p) < resized_at] if resized_at else []
    check("cut to the terminal's width (100 columns: at most 99)",
          all(len(p) <= 99 for p in progress[:len(before)]) and any("~" in p for p in before),
          before)
    after = list(segments(out[resized_at:])) if resized_at else []
    narrow = [p for p in after if p.startswith("[drover] task 2/4")]
    # A line drawn before the resize may still be read after it; once a line
    # fits the new width, every later one does.
    fitting = [len(p) <= 39 for p in narrow]
    first_fit = fitting.index(True) if True in fitting else len(fitting)
    check("after SIGWINCH the line fits the new width (40 columns: at most 39)",
          first_fit < len(fitting) and all(fitting[first_fit:]) and first_fit <= 1, narrow)
    recap = out.find("PLAY RECAP")
    check("no progress line from PLAY RECAP on", recap > 0 and "[drover]" not in out[recap:],
          out[recap:])
    ok_lines = [p for p in pieces if "ok: [" in p or "changed: [" in p]
    check("result lines start at the first column",
          ok_lines and all(re.match(r"(\033\[[0-9;]*m)?(ok|changed): \[", p) for p in ok_lines),
          ok_lines)

    for label, argv, env in (
            ("--no-progress", base + ["--no-progress"], None),
            ("DROVER_PROGRESS=0", base, {"DROVER_PROGRESS": "0"}),
            ("stdout not a terminal", ["/bin/sh", "-c", '"$0" "$@" >out.txt'] + base, None)):
        rc, out, _ = run_on_tty(argv, env=env)
        check(f"{label}: the run succeeds", rc == 0, out)
        check(f"{label}: no progress line", "[drover]" not in out, out)
    with open("out.txt") as f:
        check("stdout not a terminal: the output is all there", "PLAY RECAP" in f.read())

print(f"progress on a tty: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
