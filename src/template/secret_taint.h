// Values computed from a secret inherit its mark (issue 19's rule). When a
// filter, a method call or a slice reads a string that contains a registered
// secret (core/secrets.h) and produces strings that did not occur as-is in
// its inputs (|upper, |b64encode, |reverse, |hash, [0:8], .split(), ...),
// those new strings are registered as secrets too, so stdout, --diff and the
// JSON log mask them as they mask the secret itself. Strings copied
// unchanged (|combine, |map(attribute=...)) are not re-registered, so a
// non-secret value next to a secret stays readable. Derived strings of
// under 8 characters are not registered (a split part such as "value" would
// otherwise be masked in every message): a fragment that short is shown.
// Internal to src/template.
#pragma once

#include "template/runtime.h"

namespace drover::tmpl {

// One-way digests (|hash, |checksum, |md5, |sha1, |password_hash) do not
// inherit the mark: they are how a playbook shows or stores a secret
// without revealing it, and Ansible prints them.
bool FilterKeepsSecretMark(std::string_view filter_name);

// Registers the new strings of `result` when `self` (may be null), `input`
// (may be null) or any argument mentions a secret. Cheap when no secret is
// registered.
void InheritSecretMark(const TVal& result, const Value* self, const TVal* input,
                       const CallArgs* args);

}  // namespace drover::tmpl
