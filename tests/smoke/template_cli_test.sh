#!/usr/bin/env bash
# `drover template`: renders with the template module's environment, takes
# -e in its three forms, finds includes and extended parents next to SRC, honours the #jinja2:
# header, and reports errors with file:line:col, the undefined variable and
# "did you mean" for unknown filters.
set -euo pipefail
: "${DROVER:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cat >"$tmp/site.conf.j2" <<'T'
# {{ ansible_managed }}
{% for p in ports %}
listen {{ p }};
{% endfor %}
name {{ name | upper }};
{% include 'part.j2' %}
T
printf 'part for {{ name }}\n' >"$tmp/part.j2"
printf 'ports: [80, 443]\n' >"$tmp/vars.yml"
out=$("$DROVER" template "$tmp/site.conf.j2" -e @"$tmp/vars.yml" -e name=web)
want=$'# Ansible managed\nlisten 80;\nlisten 443;\nname WEB;\npart for web'
[[ $out == "$want" ]] || fail "render: got [$out]"

out=$("$DROVER" template "$tmp/site.conf.j2" -e '{"ports": [22], "name": "j"}')
[[ $out == *"listen 22;"* && $out == *"name J;"* ]] || fail "-e json: got [$out]"

# Inheritance: the parent is found next to SRC; super() and blocks.
printf '<{%% block t %%}base{%% endblock %%}>\n' >"$tmp/base.j2"
printf "{%% extends 'base.j2' %%}{%% block t %%}{{ name }}+{{ super() }}{%% endblock %%}\n" >"$tmp/child.j2"
out=$("$DROVER" template "$tmp/child.j2" -e name=web)
[[ $out == '<web+base>' ]] || fail "extends: got [$out]"

printf '#jinja2: trim_blocks: False\n{%% if true %%}\nx\n{%% endif %%}\n' >"$tmp/hdr.j2"
out=$("$DROVER" template "$tmp/hdr.j2"; echo END)
[[ $out == $'\nx\nEND' ]] || fail "header override: got [$out]"

printf 'a\n{{ missing_var }}\n' >"$tmp/undef.j2"
set +e
"$DROVER" template "$tmp/undef.j2" 2>"$tmp/err"; rc=$?
set -e
[[ $rc -eq 1 ]] || fail "undefined: exit $rc"
grep -q "undef.j2:2:4: 'missing_var' is undefined" "$tmp/err" || fail "undefined message: $(cat "$tmp/err")"

printf '{{ x | to_jsn }}\n' >"$tmp/typo.j2"
set +e
"$DROVER" template "$tmp/typo.j2" -e x=1 2>"$tmp/err"; rc=$?
set -e
[[ $rc -eq 1 ]] || fail "typo: exit $rc"
grep -q "typo.j2:1:8: .*No filter named 'to_jsn'. Did you mean 'to_json'?" "$tmp/err" ||
  fail "did-you-mean message: $(cat "$tmp/err")"

set +e
"$DROVER" template 2>/dev/null; rc=$?
set -e
[[ $rc -eq 5 ]] || fail "missing SRC: exit $rc, want 5"
echo "template cli smoke: ok"
