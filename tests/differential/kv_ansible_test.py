#!/usr/bin/python3
"""Differential test: free-form task arguments (`copy: src=a dest="b c"`,
`command: chdir=/x ls`) parsed by drover and by Ansible's own parse_kv."""
import json
import os
import subprocess
import sys

from ansible.parsing.splitter import parse_kv

DROVER = os.environ.get("DROVER", "build/drover")

CASES = [
    "src=a dest=b",
    "src=a  dest=b",
    'msg="hello world"',
    "msg='single quoted' other=\"double\"",
    "msg={{ a ~ ' b' }}",
    "msg='{{ x }}' y={{ z | default('q r') }}",
    "line='a=b' path=/x",
    "path=/tmp/a\\ b",
    "msg=a\\nb\\tc",
    "msg=caf\\u00e9",
    "a=1 b=yes c=0644",
    "key = value",
    "x==y",
    "free form words",
    "echo \"a  b\" 'c d'",
    "chdir=/tmp ls -l",
    "FOO=bar echo $FOO",
    "creates=/x removes=/y warn=no cmd",
    "ls | grep x > /dev/null 2>&1",
    "echo {{ item }} >> /tmp/log",
    "echo 'it''s'",
    "a=b\nc=d",
    "echo one\necho two",
    "msg=\"{% if x %}yes{% else %}no{% endif %}\"",
    "{# comment #} a=b",
    "a=\\=b",
    "a\\=b",
    "",
    "trailing  ",
]


# Not compared: "  leading" (two leading spaces) makes Ansible's splitter
# crash with an IndexError; drover parses it as the words it contains.


def drover(text, raw):
    args = [DROVER, "debug", "kv"] + (["--raw"] if raw else []) + [text]
    p = subprocess.run(args, capture_output=True, text=True)
    return p.returncode, p.stdout.strip(), p.stderr


def main():
    passed = failed = 0
    for text in CASES:
        for raw in (False, True):
            try:
                want = json.dumps(parse_kv(text, check_raw=raw))
                ok = True
            except Exception as e:  # Ansible refuses: drover must too
                want, ok = str(e), False
            rc, got, err = drover(text, raw)
            if (ok and rc == 0 and got == want) or (not ok and rc != 0):
                passed += 1
            else:
                failed += 1
                print("MISMATCH %r raw=%s\n  ansible: %s\n  drover:  rc=%d %s %s"
                      % (text, raw, want, rc, got, err.strip()))
    print("kv vs ansible parse_kv: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
