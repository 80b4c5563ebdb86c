"""The pieces of `make bench` (bench/bench.py): playbooks, hosts, runs, report."""
