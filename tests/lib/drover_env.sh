# Sourced by differential tests that compare drover's stderr with Ansible's
# byte for byte while ANSIBLE_LOCAL_TEMP keeps Ansible's scratch files in the
# test's directory: drover keeps none, so it names that variable in its "no
# effect in drover" warning (cli/ansible_settings.h). This points $DROVER at
# a wrapper that runs drover without it (same pid: exec), as a user who only
# set it for Ansible would. Needs $DROVER and a writable $tmp.
drover_real=$DROVER
DROVER=$tmp/drover-without-local-temp
printf '#!/bin/sh\nunset ANSIBLE_LOCAL_TEMP\nexec %q "$@"\n' "$drover_real" >"$DROVER"
chmod +x "$DROVER"
