#!/usr/bin/env bash
# e2e: drover's community.postgresql modules through the host's psql, on a
# Debian host booted WITHOUT python3 (no psycopg2 either) with PostgreSQL
# installed from the Debian mirror (listening on the host's own address):
#   run 1 changes every task; run 2 changes nothing (changed=0); after the
#   roles and databases are changed by hand, --check reports the changes
#   and makes none; run 3 restores the state. The state is read with the
#   host's psql (\du, \l and the catalogs: the password is stored as a
#   SCRAM-SHA-256 verifier and logs in over TCP). While postgresql_user
#   runs, `ps -eo args` is sampled on the host: the password never appears
#   on a command line, nor in drover's output (-v, --diff) or --json-log.
#   dump/restore round-trip a table; errors.yml makes each module fail as
#   Ansible's does (and types query values). Differential: the same playbooks run
#   by ansible-playbook (python3-psycopg2) on a twin host give the same
#   recap counts and the same registered results, key by key.
# Needs root, debootstrap, systemd-nspawn and overlayfs; fails (never skips)
# without them.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=../hosts/hosts.sh
source tests/hosts/hosts.sh
# shellcheck source=../lib/batch_twin.sh
source tests/lib/batch_twin.sh
: "${DROVER:=build/drover}"
DROVER=$(realpath "$DROVER")

passed=0 failed=0
check() { # description command...
  local what=$1
  shift
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: $what" >&2
  fi
}

hosts_start pg:no-python py
S=$HOSTS_STATE/.client
P=$S/project
mkdir -p "$P"
export ANSIBLE_NOCOLOR=1 ANSIBLE_HOST_KEY_CHECKING=True ANSIBLE_RETRY_FILES_ENABLED=False
# become_user postgres without setfacl on the host: Ansible pipelines.
export ANSIBLE_PIPELINING=True

# PostgreSQL on both hosts, each cluster listening on its host's own
# address only (the hosts share the machine's network). The reference host
# also gets psycopg2, which Ansible's modules need.
install_pg() { # host extra-packages
  hosts_ssh "$1" "set -e; export DEBIAN_FRONTEND=noninteractive
    mkdir -p /etc/postgresql-common/createcluster.d
    echo \"start_conf = 'manual'\" >/etc/postgresql-common/createcluster.d/manual.conf
    apt-get update -q >/dev/null
    apt-get install -y -q --no-install-recommends postgresql $2 >/dev/null 2>&1
    # pg_createcluster picks another port when 5432 is taken anywhere on
    # the shared network: each host's own address has 5432 free.
    sed -i -e \"s/^#*listen_addresses = .*/listen_addresses = '${HOSTS_ADDRESS[$1]}'/\" \\
      -e 's/^port = .*/port = 5432/' /etc/postgresql/15/main/postgresql.conf
    echo auto >/etc/postgresql/15/main/start.conf
    systemctl start postgresql@15-main
    su postgres -c 'cd /; psql -XtAc \"select 1\"' >/dev/null"
}
install_pg pg "" &
pg_pid=$!
install_pg py python3-psycopg2 || check "py: installing postgresql and python3-psycopg2" false
wait "$pg_pid" || check "pg: installing postgresql" false

PASSWORD="Drover-s3cr'et\"\\\$x"
PWMARK="Drover-s3cr"
cat >"$P/vars.yml" <<EOF
app_password: 'Drover-s3cr''et"\\\$x'
EOF
cat >"$P/site.yml" <<'EOF'
- hosts: all
  gather_facts: false
  become: true
  become_user: postgres
  vars_files: [vars.yml]
  tasks:
    - name: an application role with a password
      community.postgresql.postgresql_user:
        name: app
        password: "{{ app_password }}"
        role_attr_flags: CREATEDB
        conn_limit: 10
        expires: "2099-01-01 00:00:00+00"
      register: r_user
    - name: its database
      community.postgresql.postgresql_db:
        name: appdb
        owner: app
        template: template0
        encoding: UTF8
        lc_collate: C.UTF-8
        lc_ctype: C.UTF-8
        conn_limit: "20"
      register: r_db
    - name: a reader with the deprecated priv and groups, and a comment
      community.postgresql.postgresql_user:
        name: reader
        db: appdb
        priv: CONNECT
        groups: [app]
        role_attr_flags: LOGIN
        comment: reads appdb
      register: r_reader
    - name: a role removed
      community.postgresql.postgresql_user: {name: gone, state: absent}
      register: r_gone
    - name: a database removed
      community.postgresql.postgresql_db: {name: olddb, state: absent}
      register: r_olddb
    - name: an extension
      community.postgresql.postgresql_ext: {name: pgcrypto, db: appdb}
      register: r_ext
    - name: a table (DDL always reports changed, as Ansible's)
      community.postgresql.postgresql_query:
        db: appdb
        query: CREATE TABLE IF NOT EXISTS items (id int PRIMARY KEY, name text, price numeric, tags text[], meta jsonb, created timestamptz, ok boolean, n bigint)
      register: r_ddl
      changed_when: false
    - name: a row, inserted once
      community.postgresql.postgresql_query:
        db: appdb
        query: INSERT INTO items VALUES (%s, %s, %s, %s, %s::jsonb, %s, %s, NULL) ON CONFLICT DO NOTHING
        positional_args: [1, "o'brien", 9.5, [a, b], '{"k": [1, 2]}', "2024-01-02 03:04:05+00", true]
      register: r_insert
    - name: the row read back, typed
      community.postgresql.postgresql_query:
        db: appdb
        query: ["SELECT * FROM items WHERE id = %(id)s", "SELECT count(*) AS c, 1.5::float8 AS f, now()::date = now()::date AS today FROM items"]
        named_args: {id: 1}
      register: r_select
    - name: SELECT on the table for the reader
      community.postgresql.postgresql_privs: {db: appdb, type: table, objs: items, privs: SELECT, roles: reader}
      register: r_privs_table
    - name: USAGE on the schema
      community.postgresql.postgresql_privs: {db: appdb, type: schema, objs: public, privs: USAGE, roles: reader}
      register: r_privs_schema
    - name: INSERT on every table in the schema, with the grant option
      community.postgresql.postgresql_privs: {db: appdb, objs: ALL_IN_SCHEMA, privs: INSERT, roles: app, grant_option: true}
      register: r_privs_all
    - name: default privileges for app's future tables
      community.postgresql.postgresql_privs: {db: appdb, type: default_privs, objs: TABLES, privs: SELECT, roles: reader, target_roles: app}
      register: r_privs_default
    - name: TEMP on the database
      community.postgresql.postgresql_privs: {db: appdb, type: database, privs: TEMP, roles: reader}
      register: r_privs_db
    - name: the server answers
      community.postgresql.postgresql_ping: {db: appdb}
      register: r_ping
    - name: the database, seen by its owner logging in with the password over TCP
      community.postgresql.postgresql_db:
        name: appdb
        owner: app
        login_host: "{{ ansible_host }}"
        login_user: app
        login_password: "{{ app_password }}"
      register: r_login
      when: not ansible_check_mode
    - name: the results, for the differential comparison
      become: false
      copy:
        content: "{{ {'user': r_user, 'db': r_db, 'reader': r_reader, 'gone': r_gone, 'olddb': r_olddb, 'login': r_login, 'ext': r_ext, 'ddl': r_ddl, 'insert': r_insert, 'select': r_select, 'privs_table': r_privs_table, 'privs_schema': r_privs_schema, 'privs_all': r_privs_all, 'privs_default': r_privs_default, 'privs_db': r_privs_db, 'ping': r_ping} | to_json }}"
        dest: /root/results.json
      when: dump is defined
EOF
cat >"$P/dump.yml" <<'EOF'
- hosts: all
  gather_facts: false
  become: true
  become_user: postgres
  tasks:
    - name: a plain dump
      community.postgresql.postgresql_db: {name: appdb, state: dump, target: /tmp/appdb.sql}
      register: r_dump
    - name: a compressed dump
      community.postgresql.postgresql_db: {name: appdb, state: dump, target: /tmp/appdb.sql.gz}
      register: r_dump_gz
    - name: a custom-format dump
      community.postgresql.postgresql_db: {name: appdb, state: dump, target: /tmp/appdb.pgc}
      register: r_dump_pgc
    - name: the copy's database
      community.postgresql.postgresql_db: {name: appcopy, owner: app}
      register: r_copy
    - name: restored from the plain dump
      community.postgresql.postgresql_db: {name: appcopy, state: restore, target: /tmp/appdb.sql}
      register: r_restore
    - name: a second copy restored from the compressed dump
      community.postgresql.postgresql_db: {name: appcopy2, owner: app}
    - community.postgresql.postgresql_db: {name: appcopy2, state: restore, target: /tmp/appdb.sql.gz}
      register: r_restore_gz
    - name: the results
      become: false
      copy:
        content: "{{ {'dump': r_dump, 'dump_gz': r_dump_gz, 'dump_pgc': r_dump_pgc, 'copy': r_copy, 'restore': r_restore, 'restore_gz': r_restore_gz} | to_json }}"
        dest: /root/dump_results.json
EOF
# Failures and typed values: each module's messages as Ansible's.
cat >"$P/errors.yml" <<'EOF'
- hosts: all
  gather_facts: false
  become: true
  become_user: postgres
  tasks:
    - community.postgresql.postgresql_query: {db: appdb, query: "SELECT * FROM nosuch WHERE id = %s", positional_args: [1]}
      register: r1
      ignore_errors: true
    - community.postgresql.postgresql_query: {db: appdb, query: "SELECT 1 AS a, NULL::text AS b, ''::text AS c, '1 day 02:03:04'::interval AS d, 1.25::numeric AS e, '2024-01-02'::date AS f, '2024-01-02 03:04:05.5'::timestamp AS g, ARRAY[1,2] AS h, '{\"x\": 1}'::json AS i"}
      register: r2
    - community.postgresql.postgresql_user: {name: nosuchflag, role_attr_flags: "CREATEDB,BOGUS"}
      register: r3
      ignore_errors: true
    - community.postgresql.postgresql_privs: {db: appdb, objs: items, privs: "SELECT,BOGUS", roles: reader}
      register: r4
      ignore_errors: true
    - community.postgresql.postgresql_ping: {db: appdb, port: 5999}
      register: r5
    - community.postgresql.postgresql_db: {name: appdb, encoding: LATIN1}
      register: r6
      ignore_errors: true
    - community.postgresql.postgresql_ext: {name: nosuchext, db: appdb}
      register: r7
      ignore_errors: true
    - community.postgresql.postgresql_user: {name: nouser, state: absent}
      register: r8
    - copy:
        content: "{{ {'r1': r1, 'r2': r2, 'r3': r3, 'r4': r4, 'r5': r5, 'r6': r6, 'r7': r7, 'r8': r8} | to_json }}"
        dest: /root/errors_results.json
      become: false
EOF
cp "$HOSTS_INVENTORY" "$P/hosts"

# play TOOL LIMIT PLAYBOOK ARGS...: sets rc, output in $S/out.
play() {
  local tool=$1 limit=$2 pb=$3
  shift 3
  set +e
  if [[ $tool == drover ]]; then
    (cd "$P" && "$DROVER" playbook -i hosts -l "$limit" "$pb" "$@") >"$S/out" 2>&1
  else
    (cd "$P" && ansible-playbook -i hosts -l "$limit" "$pb" "$@") >"$S/out" 2>&1
  fi
  rc=$?
  set -e
  [[ $rc -eq 0 ]] || sed 's/^/    /' "$S/out" >&2
}
recap() { grep -E "^$1 +: ok=" "$S/out" | sed -E 's/ +/ /g; s/^[^:]*: //'; }
changed_is() { grep -qE "^$1 +: ok=[0-9]+ +changed=$2 " "$S/out"; }
sql_on() { # host sql: as postgres, unaligned tuples
  hosts_ssh "$1" "cd /; su postgres -c \"psql -XtA -F'|' -c \\\"$2\\\"\""
}
sql_in() { # host db sql
  hosts_ssh "$1" "cd /; su postgres -c \"psql -XtA -F'|' -d $2 -c \\\"$3\\\"\""
}
state_of() {
  sql_in "$1" appdb "select string_agg(a::text, ',' order by a::text) from pg_class c, unnest(c.relacl) a where relname = 'items' union all select extname::text from pg_extension where extname = 'pgcrypto' union all select count(*)::text from items union all select nspacl::text from pg_namespace where nspname = 'public' union all select string_agg(defaclacl::text, ' ' order by defaclobjtype) from pg_default_acl" &&
  sql_on "$1" "select rolname, rolcreatedb, rolcanlogin, rolconnlimit, rolvaliduntil, left(rolpassword, 14), shobj_description(oid, 'pg_authid') from pg_authid where rolname in ('app', 'reader', 'gone') order by 1" &&
    sql_on "$1" "select datname, pg_get_userbyid(datdba), pg_encoding_to_char(encoding), datcollate, datctype, datconnlimit, datacl from pg_database where datname in ('appdb', 'olddb') order by 1" &&
    sql_on "$1" "select r.rolname from pg_auth_members m join pg_roles r on r.oid = m.roleid join pg_roles u on u.oid = m.member where u.rolname = 'reader'"
}
WANT_STATE="app=a*/postgres,postgres=arwdDxt/postgres,reader=r/postgres
pgcrypto
1
{pg_database_owner=UC/pg_database_owner,=U/pg_database_owner,reader=U/pg_database_owner}
{reader=U/app} {reader=r/app}
app|t|t|10|2099-01-01 00:00:00+00|SCRAM-SHA-256\$|
reader|f|t|-1|||reads appdb
appdb|app|UTF8|C.UTF-8|C.UTF-8|20|{=Tc/app,app=CTc/app,reader=Tc/app}
app"
# The objects the first run removes, made by hand on both hosts.
for h in pg py; do
  { sql_on "$h" "create role gone" && sql_on "$h" "create database olddb"; } >/dev/null ||
    check "$h: creating the role and database to remove" false
done

# --- run 1 (-v, --diff, --json-log) with ps sampled on the host
hosts_ssh pg 'rm -f /tmp/ps.log /tmp/ps.stop; nohup sh -c "while [ ! -e /tmp/ps.stop ]; do ps -eo args; done" >/tmp/ps.log 2>&1 &'
play drover pg site.yml -e dump=1 -v --diff --json-log "$S/run1.json"
hosts_ssh pg 'touch /tmp/ps.stop; sleep 0.3'
check "drover run 1 succeeds (rc=$rc)" test "$rc" -eq 0
check "drover run 1: every changing task changed, and the results copy ($(recap pg))" changed_is pg 13
hosts_ssh pg cat /tmp/ps.log >"$S/ps.log" || true
sampled=$(grep -c "psql -X -q -A" "$S/ps.log" || true)
check "ps sampling saw drover's psql running ($sampled samples)" test "${sampled:-0}" -gt 0
check "the password is not on any host command line" bash -c "! grep -qF -- '$PWMARK' '$S/ps.log'"
check "the password is not in drover's output (-v --diff)" bash -c "! grep -qF -- '$PWMARK' '$S/out'"
check "the password is not in the JSON log" bash -c "! grep -qF -- '$PWMARK' '$S/run1.json'"
check "the JSON log has the task results" grep -q '"queries"' "$S/run1.json"
got=$(state_of pg || true)
check "host state after run 1" test "$got" = "$WANT_STATE"
[[ $got == "$WANT_STATE" ]] || diff <(echo "$WANT_STATE") <(echo "$got") >&2 || true
du=$(hosts_ssh pg "su postgres -c \"psql -X -c '\\\\du app'\"" || true)
check "\\du lists app with Create DB and 10 connections" grep -qzE 'app +\| Create DB.*10 connections' <<<"$du"
l=$(hosts_ssh pg "su postgres -c \"psql -X -c '\\\\l appdb'\"" || true)
check "\\l lists appdb owned by app" grep -qE 'appdb +\| app +\| UTF8' <<<"$l"
hosts_ssh pg cat /root/results.json >"$S/drover.json" || true
drover_recap1=$(recap pg)

# --- run 2: nothing changes
play drover pg site.yml
check "drover run 2 succeeds (rc=$rc)" test "$rc" -eq 0
same_without_batching play drover pg site.yml
check "drover run 2: changed=0 ($(recap pg))" changed_is pg 0
drover_recap2=$(recap pg)

# --- drift by hand; --check reports it and changes nothing
sql_on pg "alter user app with password 'changed-by-hand'; alter database appdb connection limit 5; revoke connect on database appdb from reader; create role gone" >/dev/null ||
  check "drifting the host by hand" false
sql_in pg appdb "drop extension pgcrypto; revoke select on items from reader; delete from items" >/dev/null ||
  check "drifting appdb by hand" false
drifted=$(state_of pg || true)
drifted_hash=$(sql_on pg "select rolpassword from pg_authid where rolname = 'app'" || true)
play drover pg site.yml --check
check "drover --check succeeds (rc=$rc)" test "$rc" -eq 0
check "drover --check: the 7 drifted tasks would change ($(recap pg))" changed_is pg 7
check "drover --check changed nothing" test "$(state_of pg || true)" = "$drifted"
check "drover --check kept the drifted password" \
  test "$(sql_on pg "select rolpassword from pg_authid where rolname = 'app'" || true)" = "$drifted_hash"

# --- run 3 restores the described state (and the password logs in again)
play drover pg site.yml
check "drover run 3 succeeds (rc=$rc)" test "$rc" -eq 0
check "drover run 3: the 7 drifted tasks changed ($(recap pg))" changed_is pg 7
got=$(state_of pg || true)
check "host state after run 3" test "$got" = "$WANT_STATE"
[[ $got == "$WANT_STATE" ]] || diff <(echo "$WANT_STATE") <(echo "$got") >&2 || true

# --- dump and restore
table_for_dump() { # host
  hosts_ssh "$1" "cd /; su postgres -c \"psql -Xq -d appdb -c 'create table t (id int); insert into t values (1), (2), (3); alter table t owner to app'\"" ||
    check "$1: a table to dump" false
}
table_for_dump pg
play drover pg dump.yml
check "drover dump/restore succeeds (rc=$rc)" test "$rc" -eq 0
hosts_ssh pg cat /root/dump_results.json >"$S/drover_dump.json" || true
drover_dump_recap=$(recap pg)
for db in appcopy appcopy2; do
  n=$(hosts_ssh pg "su postgres -c \"psql -XtA -d $db -c 'select count(*) from t'\"" || true)
  check "pg: $db has the dumped table's 3 rows ($n)" test "$n" = 3
done
check "pg: the dumps exist (plain, gzip, custom)" hosts_ssh pg \
  'grep -q "CREATE TABLE public.t" /tmp/appdb.sql && gzip -t /tmp/appdb.sql.gz && head -c5 /tmp/appdb.pgc | grep -q PGDMP'

# --- failures and typed values
play drover pg errors.yml
check "drover errors.yml succeeds (rc=$rc)" test "$rc" -eq 0
drover_errors_recap=$(recap pg)
check "errors.yml: 5 failures ignored ($drover_errors_recap)" grep -q "ignored=5" <<<"$drover_errors_recap"
hosts_ssh pg cat /root/errors_results.json >"$S/drover_errors.json" || true

# --- python3 is still absent
check "python3 still absent on pg" test "$(hosts_ssh pg 'command -v python3 || echo none')" = none

# --- differential: ansible-playbook on the host with python3 and psycopg2
play ansible py site.yml -e dump=1
check "ansible-playbook run 1 succeeds (rc=$rc)" test "$rc" -eq 0
ansible_recap1=$(recap py)
check "run 1 recap: drover '$drover_recap1', ansible '$ansible_recap1'" \
  test "$drover_recap1" = "$ansible_recap1"
hosts_ssh py cat /root/results.json >"$S/ansible.json" || true
play ansible py site.yml
ansible_recap2=$(recap py)
check "run 2 recap: drover '$drover_recap2', ansible '$ansible_recap2'" \
  test "$drover_recap2" = "$ansible_recap2"
table_for_dump py
play ansible py dump.yml
ansible_dump_recap=$(recap py)
check "dump recap: drover '$drover_dump_recap', ansible '$ansible_dump_recap'" \
  test "$drover_dump_recap" = "$ansible_dump_recap"
hosts_ssh py cat /root/dump_results.json >"$S/ansible_dump.json" || true
play ansible py errors.yml
check "errors recap: drover '$drover_errors_recap', ansible '$(recap py)'" \
  test "$drover_errors_recap" = "$(recap py)"
hosts_ssh py cat /root/errors_results.json >"$S/ansible_errors.json" || true
compare_results() { # ansible.json drover.json
  /usr/bin/python3 - "$1" "$2" <<'PY'
import json, re, sys
a, d = (json.load(open(p)) for p in sys.argv[1:3])
# warnings: Ansible's remote_tmp warning for become_user postgres.
# exception: the module's Python traceback.
skip = {"invocation", "failed", "diff", "warnings", "deprecations", "ansible_facts", "exception"}
def norm(v):
    # The compressed dump's fifo lives in a temp directory.
    if isinstance(v, str):
        return re.sub(r"\S*/pg_fifo", "FIFO", v)
    if isinstance(v, list):
        return [norm(x) for x in v]
    return v
bad = 0
for task, ar in a.items():
    dr = d.get(task, {})
    for k, v in ar.items():
        if k in skip:
            continue
        if k not in dr:
            print(f"{task}.{k}: missing in drover (ansible {v!r})", file=sys.stderr); bad += 1
        elif norm(dr[k]) != norm(v):
            print(f"{task}.{k}: ansible {v!r} drover {dr[k]!r}", file=sys.stderr); bad += 1
    for k in dr:
        if k not in ar and k not in skip:
            print(f"{task}.{k}: only in drover ({dr[k]!r})", file=sys.stderr); bad += 1
print(f"compared {sum(len(r) for r in a.values())} keys", file=sys.stderr)
sys.exit(1 if bad else 0)
PY
}
check "site.yml results match ansible-playbook's key by key" compare_results "$S/ansible.json" "$S/drover.json"
check "dump.yml results match ansible-playbook's key by key" compare_results "$S/ansible_dump.json" "$S/drover_dump.json"
check "errors.yml results match ansible-playbook's key by key" compare_results "$S/ansible_errors.json" "$S/drover_errors.json"

hosts_stop || check "hosts_stop reported leftovers" false
echo "$passed passed, $failed failed"
((failed == 0))
