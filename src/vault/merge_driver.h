// `drover vault merge-driver %O %A %B [%P]`: a git merge driver for vault
// files. It decrypts the three versions, merges the plaintexts line by line
// (git merge-file, in a private memory-backed directory), and re-encrypts
// the result into %A with the vault id and secret of our version (%A).
//  - clean merge: %A holds the merged file, returns 0;
//  - conflicts: %A holds the merge *with conflict markers in the plaintext*,
//    still encrypted (so `drover vault edit` can resolve it), returns 1;
//  - a version that does not decrypt: %A is left untouched, error.
// A version that is not vault text (e.g. an empty ancestor when both sides
// added the file) is merged as the plaintext it is.
#pragma once

#include <string>

#include "core/error.h"
#include "vault/keyring.h"

namespace drover::vault {

struct MergeOutcome {
  int conflicts = 0;  // number of conflicting hunks; 0 = clean
};

Result<MergeOutcome> MergeVaultFiles(const std::string& base, const std::string& ours,
                                     const std::string& theirs, const std::string& label,
                                     const Keyring& keyring);

}  // namespace drover::vault
