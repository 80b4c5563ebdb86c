# Sourced by e2e tests that serve a stand-in app repository to local VMs
# through tools/localenv/services.sh (git daemon on 10.213.0.1).
#   pick_git_port BASE   exports DROVER_GIT_PORT: the first port from BASE
#                        nothing listens on
# Each test passes its own BASE (tests run side by side in the e2e tier and
# would otherwise both see 9418 free and race for it), so it must also pass
# the port in its repository URL (-e NAME_repo=git://10.213.0.1:PORT/...).
pick_git_port() {
  DROVER_GIT_PORT=$1
  while [[ -n $(ss -Hltn "( sport = :$DROVER_GIT_PORT )" 2>/dev/null) ]]; do
    DROVER_GIT_PORT=$((DROVER_GIT_PORT + 1))
  done
  export DROVER_GIT_PORT
}
