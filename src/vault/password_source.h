// Where vault passwords come from: a file, an executable script, or the
// terminal. Behaviour follows Ansible's (parsing/vault FileVaultSecret,
// ScriptVaultSecret, ClientScriptVaultSecret, PromptVaultSecret).
#pragma once

#include <string>

#include "core/error.h"

namespace drover::vault {

// Reads a password from `path`:
//  - an executable file is run with no arguments (a "*-client" script, e.g.
//    vault-client.py, gets `--vault-id <vault_id>`), stdin and stderr are
//    inherited, its stdout is the password with trailing CR/LF removed; a
//    non-zero exit is an error;
//  - any other file is read and stripped of surrounding whitespace.
// An empty password is an error. Errors name the file, never the password.
Result<std::string> ReadPasswordSource(const std::string& path, const std::string& vault_id);

// Reads a password from the controlling terminal (/dev/tty) without echo,
// after printing `prompt` there. With `confirm_prompt` non-empty, asks twice
// and fails when the answers differ. Fails when there is no terminal.
Result<std::string> PromptPassword(const std::string& prompt,
                                   const std::string& confirm_prompt = {});

// True when a terminal is available to prompt on.
bool CanPrompt();

}  // namespace drover::vault
