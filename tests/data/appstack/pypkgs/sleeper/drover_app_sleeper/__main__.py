"""The supervised program: greets, then sleeps (python -m drover_app_sleeper NAME)."""
import sys
import time

from drover_app_greeting import greeting

print(greeting(sys.argv[1] if len(sys.argv) > 1 else "world"), flush=True)
while True:
    time.sleep(3600)
