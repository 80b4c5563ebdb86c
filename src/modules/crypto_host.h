// What the community.crypto modules (openssl_privatekey, openssl_csr,
// x509_certificate, openssl_dhparam, openssh_keypair) share on the host
// side: the script prelude (host_script.h's fields, a 0077 umask, the
// passphrase read from stdin, helpers around the host's `openssl`), the
// atomic write of a generated file, and the file attributes (mode, owner,
// group) Ansible's set_fs_attributes_if_different applies afterwards.
//
// Secrets: a passphrase is the first line of the script's stdin (PW, with
// HAVE_PW=1) and reaches openssl on a pipe from the shell's builtin printf
// (`-passin stdin` / `-passout stdin`): never on a command line.
#pragma once

#include <optional>
#include <string>

#include "core/value.h"
#include "modules/file_common.h"
#include "modules/host_script.h"
#include "modules/module.h"

namespace drover::modules::crypto {

// The prelude of every crypto script. Defines, besides host_script.h's:
//   need TOOL      fails naming TOOL and the host when TOOL is missing
//   pw             prints the passphrase line (PW) for `-passin stdin`
//   pubkey FILE    prints FILE's public key as PEM (decrypted with PW when
//                  HAVE_PW=1); fails quietly (rc != 0) when it cannot
//   b64 FILE       FILE's bytes in base64
//   keyfields NAME FILE  fields NAME_enc (1: encrypted) and NAME_pub (the
//                  public key, when PW opens it)
//   put SRC DEST   moves SRC over DEST atomically (a temporary file in
//                  DEST's directory, mode 0600 until attributes are set)
//   __drover_stat  file_common.h's stat probe
// `have_pw` reads the first line of stdin into PW.
std::string Prelude(bool have_pw);

// The passphrase line sent on stdin (nullopt: no passphrase). Registers it
// as a secret, so no output can show it.
std::optional<std::string> PassphraseStdin(const std::optional<std::string>& passphrase);

// The file's attributes Ansible sets after writing: mode (default
// `default_mode`, e.g. 0600 for keys), owner, group. `st` is the file as it
// is (absent: everything differs). Returns the shell text fixing them, or ""
// when they already match.
struct AttrsPlan {
  std::string script;
  std::string error;  // a bad mode
};
AttrsPlan PlanAttrs(const Map& args, const std::optional<RemoteStat>& st,
                    std::optional<unsigned> default_mode);

// Sets the attributes PlanAttrs plans (a round trip of its own, only when
// they differ; none in check mode) and sets *changed when they differ, or
// when the file is absent in check mode. A value: the task's result, to be
// returned at once (a bad mode, a failed chown/chmod).
std::optional<Result<Map>> ApplyAttrs(RunContext& ctx, const Map& args,
                                      const std::optional<RemoteStat>& st,
                                      std::optional<unsigned> default_mode, bool* changed);

// "The directory D does not exist or the file is not a directory" check for
// a path's parent, as shell text (fails the script).
std::string ParentDirCheck(const std::string& path_var);

// load_privatekey's failure for the key `keyfields NAME` described, or ""
// when it loads.
std::string KeyLoadError(const HostFields& f, const std::string& name, bool has_passphrase);

// Fails a result the way a refused, not yet implemented argument is
// reported: "<module>: <what> is not implemented by drover".
Map NotImplemented(const std::string& module, const std::string& what);

}  // namespace drover::modules::crypto
