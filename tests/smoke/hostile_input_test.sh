#!/usr/bin/env bash
# Hostile or accidental input gives a clear error in bounded time and
# memory, never a crash, a wrapped number or invalid output:
#  - templates nested deeper than drover's limit (brackets, lists, {% if %})
#    and a template that includes itself;
#  - integers beyond 64 bits (2**64, INT64_MAX + 1, big literals);
#  - a role name longer than the filesystem allows: "not found" with file:line;
#  - an inventory with bytes that are not UTF-8: `inventory --list` stays
#    valid JSON ('?' for each bad byte, as ansible-inventory writes);
#  - YAML aliases that expand without bound ("billion laughs").
set -euo pipefail
: "${DROVER:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# bounded CMD...: runs CMD with 1 GB of memory and 30 s; $rc, $tmp/out, $tmp/err.
# Under AddressSanitizer (the sanitize tier sets DROVER_SANITIZED), which
# reserves terabytes of address space, the bound is ASan's RSS limit instead
# of `ulimit -v`.
bounded() {
  set +e
  if [[ -n ${DROVER_SANITIZED:-} ]]; then
    ASAN_OPTIONS="${ASAN_OPTIONS:-}:hard_rss_limit_mb=1000" timeout 30 "$@"
  else
    (ulimit -v 1000000; timeout 30 "$@")
  fi >"$tmp/out" 2>"$tmp/err"
  rc=$?
  set -e
  ((rc != 124)) || fail "$*: still running after 30 s"
  ((rc < 128)) || fail "$*: killed by signal $((rc - 128)): $(head -c 300 "$tmp/err")"
}
err_has() { grep -qF -- "$1" "$tmp/err" || fail "$2: stderr lacks [$1]: $(head -c 400 "$tmp/err")"; }

# --- deep nesting ---
python3 -c "print('{{ ' + '(' * 5000 + '1' + ')' * 5000 + ' }}')" >"$tmp/paren.j2"
python3 -c "print('{{ ' + '[' * 100000 + ']' * 100000 + ' }}')" >"$tmp/list.j2"
python3 -c "print('{% if true %}' * 10000 + 'x' + '{% endif %}' * 10000)" >"$tmp/if.j2"
python3 -c "print('{{ 1' + ' + 1' * 100000 + ' }}')" >"$tmp/chain.j2"
for t in paren list if chain; do
  bounded "$DROVER" template "$tmp/$t.j2"
  ((rc == 1)) || fail "$t: exit $rc"
  err_has "maximum recursion depth exceeded" "$t"
  err_has "$t.j2:1:" "$t (file:line)"
done
# Nesting as deep as real templates use still renders.
python3 -c "print('{{ ' + '(' * 200 + '1' + ')' * 200 + ' }}' + '{% if true %}' * 200 + 'x' + '{% endif %}' * 200)" >"$tmp/ok.j2"
bounded "$DROVER" template "$tmp/ok.j2"
[[ $rc == 0 && $(cat "$tmp/out") == 1x ]] || fail "200 levels: exit $rc, [$(cat "$tmp/out")]"

# A template that includes itself: an error naming the chain of includes.
printf 'x{%% include "self.j2" %%}\n' >"$tmp/self.j2"
bounded "$DROVER" template "$tmp/self.j2"
((rc == 1)) || fail "self include: exit $rc"
err_has "maximum recursion depth exceeded" "self include"
err_has "self.j2 -> self.j2 -> self.j2 -> ... ->" "self include chain"
err_has "'self.j2' includes itself" "self include loop"
# Two templates including each other.
printf '{%% include "b.j2" %%}' >"$tmp/a.j2"
printf '{%% include "a.j2" %%}' >"$tmp/b.j2"
bounded "$DROVER" template "$tmp/a.j2"
((rc == 1)) || fail "a<->b include: exit $rc"
err_has "a.j2 -> b.j2 -> a.j2" "a<->b chain"

# --- integers: never wrapped ---
check_int() {  # EXPR MESSAGE
  printf '{{ %s }}\n' "$1" >"$tmp/int.j2"
  bounded "$DROVER" template "$tmp/int.j2"
  ((rc == 1)) || fail "{{ $1 }}: exit $rc, printed [$(cat "$tmp/out")]"
  err_has "$2" "{{ $1 }}"
}
check_int '2**64' 'integer overflow: 2 ** 64 does not fit in 64 bits'
check_int '9223372036854775807 + 1' 'integer overflow: 9223372036854775807 + 1 does not fit'
check_int '-9223372036854775807 - 2' 'integer overflow: -9223372036854775807 - 2'
check_int '4294967296 * 4294967296' 'integer overflow: 4294967296 * 4294967296'
check_int '2 ** 1000000000000' 'integer overflow: 2 ** 1000000000000'
check_int '99999999999999999999' 'integer literal 99999999999999999999 does not fit in 64 bits'
check_int '"99999999999999999999" | int' "integer overflow: int('99999999999999999999')"
check_int '1e30 | int' 'integer overflow: int(1e+30)'
check_int '[9223372036854775807, 1] | sum' 'integer overflow'
# In range: as Python computes them (python3-jinja2 agrees).
printf '{{ 2**62 }} {{ 9223372036854775806 + 1 }} {{ -9223372036854775807 - 1 }} {{ (-2)**63 }} {{ 7 // -2 }} {{ 1 ** 10**18 }}\n' >"$tmp/int.j2"
bounded "$DROVER" template "$tmp/int.j2"
want=$(python3 -c "import jinja2,sys; print(jinja2.Template(open(sys.argv[1]).read()).render())" "$tmp/int.j2")
[[ $rc == 0 && $(cat "$tmp/out") == "$want" ]] || fail "in-range integers: exit $rc, [$(cat "$tmp/out")] want [$want]"

# --- a role name longer than a file name may be ---
long=$(printf 'r%.0s' {1..300})
mkdir -p "$tmp/play"
printf -- '- hosts: localhost\n  gather_facts: false\n  roles:\n    - %s\n' "$long" >"$tmp/play/pb.yml"
bounded "$DROVER" playbook -i localhost, "$tmp/play/pb.yml" --syntax-check
((rc != 250 && rc != 0)) || fail "long role name: exit $rc"
err_has "the role '$long' was not found" "long role name"
err_has "pb.yml:4:" "long role name (file:line)"

# --- inventory bytes that are not UTF-8 ---
printf '[web]\nh1 note=caf\xe9 x=\xff\xfeok\nh\xe92\n' >"$tmp/bad.ini"
bounded "$DROVER" inventory -i "$tmp/bad.ini" --list
((rc == 0)) || fail "inventory --list: exit $rc"
python3 - "$tmp/out" <<'PY' || fail "inventory --list output: $(head -c 400 "$tmp/out")"
import json, sys
inv = json.load(open(sys.argv[1], encoding="utf-8"))  # strict: invalid UTF-8 raises
hv = inv["_meta"]["hostvars"]
assert hv["h1"] == {"note": "caf?", "x": "??ok"}, hv["h1"]
assert "h?2" in inv["web"]["hosts"], inv["web"]
PY

# --- YAML "billion laughs" ---
python3 - "$tmp/laughs.yml" <<'PY'
import sys
lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
for i in range(1, 10):
    lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i-1}"] * 10) + "]")
open(sys.argv[1], "w").write("\n".join(lines) + "\n")
PY
printf '{{ a9 | length }}\n' >"$tmp/len.j2"
bounded "$DROVER" template "$tmp/len.j2" -e @"$tmp/laughs.yml"
((rc != 0)) || fail "billion laughs: loaded"
err_has "laughs.yml:" "billion laughs (file)"
err_has "YAML aliases expand to more than" "billion laughs"
# Aliases in ordinary use still load.
printf 'base: &b {x: 1}\nuse: [*b, *b]\n' >"$tmp/alias.yml"
printf '{{ use[1].x }}\n' >"$tmp/use.j2"
bounded "$DROVER" template "$tmp/use.j2" -e @"$tmp/alias.yml"
[[ $rc == 0 && $(cat "$tmp/out") == 1 ]] || fail "ordinary aliases: exit $rc [$(cat "$tmp/err")]"
echo "ok: hostile input"
