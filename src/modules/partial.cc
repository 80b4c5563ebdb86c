#include "modules/partial.h"

#include <utility>

namespace drover::modules {

namespace {
// clang-format off
constexpr std::pair<std::string_view, std::string_view> kPartial[] = {
    {"stat", "no mimetype/charset/attributes; hosts need stat -c"},
    {"copy", "a directory tree costs one round trip per file; remote_src with a directory src fails"},
    {"template", "writes UTF-8 only"},
    {"replace", "edits bytes; non-UTF-8 encodings are not converted"},
    {"apt", "no state=build-dep/fixed"},
    {"user", "no generate_ssh_key or local"},
    {"group", "no local"},
    {"service", "drives only systemd hosts"},
    {"find", "no ~/$VAR expansion on the host; contains uses grep -P (else -E)"},
    {"script", "stdout and stderr stay separate (Ansible merges them on a pty)"},
    {"get_url", "no checksum URL"},
    {"uri", "no src, unix_socket, ca_path or form-multipart"},
    {"wait_for", "exclude_hosts is ignored"},
    {"unarchive", "no include, no URL src; zip members compared by content only"},
    {"community.crypto.openssl_privatekey", "no format=raw or backup; no diff result"},
    {"community.crypto.x509_certificate", "providers selfsigned and ownca only; 63-bit serials; no backup; no diff result"},
    {"community.crypto.openssl_csr", "no name constraints, CRL distribution points, explicit SKI/AKI or backup"},
    {"community.crypto.openssl_dhparam", "no backup"},
    {"community.crypto.openssh_keypair", "no passphrase or private_key_format (the cryptography backend)"},
    {"snap", "no options (snap set); untested against a running snapd"},
    {"archive", "archived/expanded_paths in sorted order; tar members in GNU format"},
    {"mount", "no state=ephemeral; Linux hosts only"},
    {"reboot", "connect_timeout is not applied; Linux shutdown only"},
};
// clang-format on
}  // namespace

std::string_view PartialReason(std::string_view module) {
  for (const auto& [name, reason] : kPartial)
    if (name == module) return reason;
  return {};
}

}  // namespace drover::modules
