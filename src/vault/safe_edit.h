// `vault edit` and `vault create`: the user's editor on decrypted text that
// never reaches a persistent disk (see plaintext_workspace.h).
//
// Contract:
//  - the editor is $VISUAL, else $EDITOR, else vi, run through /bin/sh so it
//    may carry arguments ("code --wait");
//  - the file is re-encrypted only when its text changed; unchanged, the vault
//    file is left byte-identical;
//  - the vault id and format (1.1 / 1.2) of the file are kept; the secret that
//    decrypted it encrypts it again;
//  - the result replaces the file atomically, keeping its mode;
//  - a file that does not decrypt is never touched; an editor that fails
//    (non-zero exit) or dies from a signal leaves the file as it was;
//  - SIGTERM/SIGHUP to drover are passed to the editor, the plaintext is
//    removed, and drover then dies from the signal; SIGINT/SIGQUIT while the
//    editor runs belong to the editor (as with system(3));
//  - on every path the plaintext directory is removed.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"
#include "vault/keyring.h"

namespace drover::vault {

// Opens plaintext in the editor; returns the text saved when the editor ends
// successfully. `name` (the vault file's base name) keeps the extension so
// the editor picks its syntax.
Result<std::string> EditPlaintext(std::string_view plaintext, const std::string& name);

Status EditVaultFile(const std::string& path, const Keyring& keyring);

// Creates a new vault file (error when it exists), as ansible-vault does:
// parent directories are made, and the file is written even when empty.
Status CreateVaultFile(const std::string& path, const VaultSecret& secret,
                       const std::string& vault_id);

}  // namespace drover::vault
