// postgresql_user's password decision (user_should_we_change_password):
// whether the requested password differs from the hash the server stores,
// compared on the controller so that an unchanged password never travels.
#pragma once

#include <optional>
#include <string>

#include "core/value.h"

namespace drover::modules {

// `stored` is pg_authid.rolpassword (null Value: no password), or nullptr
// when pg_authid could not be read (then: always change, as the module
// assumes). A SCRAM-SHA-256 or md5 hash given as the password is compared
// as is; otherwise the password is checked against the stored SCRAM
// verifier (PBKDF2 ServerKey) or md5(password + user). `encrypted` false
// compares the text itself.
bool PgPasswordChanging(const Value* stored, const std::string& user,
                        const std::optional<std::string>& password, bool encrypted);

}  // namespace drover::modules
