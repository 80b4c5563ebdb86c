#!/usr/bin/env bash
# Benchmark (not a test): renders tools/bench/nginx.conf.j2 (a ~200-line
# nginx-style template with loops and filters) N times (default 10000) with
# drover and with python3-jinja2 (same options as Ansible's template module:
# trim_blocks), parsing once and rendering many times in both. Checks that
# both outputs are identical, then prints both timings.
#   tools/bench/template_bench.sh [N]
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-10000}
drover=${DROVER:-build/drover}
dir=tools/bench
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$drover" debug bench-template "$dir/nginx.conf.j2" "$dir/nginx_vars.json" "$n" >"$tmp/drover.out" 2>"$tmp/drover.time"
/usr/bin/python3 - "$dir/nginx.conf.j2" "$dir/nginx_vars.json" "$n" "$tmp/jinja.out" <<'PY' 2>"$tmp/jinja.time"
import json, sys, time
import jinja2
src, vars_path, n, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
env = jinja2.Environment(trim_blocks=True, keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
t = env.from_string(open(src).read())
v = json.load(open(vars_path))
start = time.perf_counter()
for i in range(n):
    r = t.render(v)
secs = time.perf_counter() - start
open(out, "w").write(r)
sys.stderr.write("python3-jinja2 %s: %d renders in %.3f s (%.1f us/render)\n" % (jinja2.__version__, n, secs, secs * 1e6 / n))
PY
if ! cmp -s "$tmp/drover.out" "$tmp/jinja.out"; then
  echo "outputs differ:" >&2
  diff "$tmp/jinja.out" "$tmp/drover.out" | head -20 >&2
  exit 1
fi
echo "template: $dir/nginx.conf.j2 ($(wc -l <"$dir/nginx.conf.j2") lines in, $(wc -l <"$tmp/drover.out") lines out), outputs identical"
cat "$tmp/drover.time" "$tmp/jinja.time"
