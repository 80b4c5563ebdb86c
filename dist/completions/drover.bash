# bash completion for drover: its commands, vault's subcommands, each
# command's main flags, and files after the flags that take a path.
# Installed as $PREFIX/share/bash-completion/completions/drover.

_drover_flags() {  # command: the main flags of `drover COMMAND --help`
  local common="-h --help -i --inventory -e --extra-vars -l --limit -f --forks -u --user
    --private-key -k --ask-pass -c --connection -T --timeout --ssh-common-args --ssh-extra-args
    --accept-new-host-keys -b --become --become-method --become-user -K --ask-become-pass
    --vault-password-file --vault-id -J --ask-vault-pass"
  case $1 in
    playbook)
      echo "$common -t --tags --skip-tags -C --check -D --diff --start-at-task --step
        --force-handlers --list-hosts --list-tasks --list-tags --syntax-check --check-support
        -v --verbose --json-log --slice --no-progress --no-batch" ;;
    adhoc | ping) echo "$common -m --module-name -a --args --become-flags" ;;
    inventory)
      echo "--list --graph --host -i --inventory -y --yaml --vars --export --output
        --playbook-dir -e --extra-vars --vault-password-file --vault-id -J --ask-vault-pass -v" ;;
    template) echo "-h --help -e --extra-vars -i --inventory --host --vault-password-file --vault-id -J --ask-vault-pass" ;;
    vault) echo "-h --help -v --verbose --vault-password-file --vault-id -J --ask-vault-pass --encrypt-vault-id" ;;
    recap) echo "-h --help" ;;
    persist) echo "--stop -h --help" ;;
  esac
}

_drover() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
  local commands="playbook adhoc ping vault inventory template recap persist"
  if ((COMP_CWORD == 1)); then
    mapfile -t COMPREPLY < <(compgen -W "$commands --help --version" -- "$cur")
    return
  fi
  local command=${COMP_WORDS[1]}
  case $prev in
    -i | --inventory | --inventory-file | --vault-password-file | --vault-pass-file | --private-key | \
      --key-file | --json-log | --output | --playbook-dir | -e | --extra-vars)
      mapfile -t COMPREPLY < <(compgen -f -- "$cur")
      return ;;
  esac
  if [[ $command == vault && $COMP_CWORD -eq 2 && $cur != -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W "create decrypt edit view encrypt encrypt_string rekey merge-driver" -- "$cur")
    return
  fi
  if [[ $cur == -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$(_drover_flags "$command")" -- "$cur")
    return
  fi
  mapfile -t COMPREPLY < <(compgen -f -- "$cur")
}

complete -o filenames -F _drover drover
