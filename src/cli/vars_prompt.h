// A play's vars_prompt, answered as ansible-playbook answers it
// (Display.do_var_prompt): a name given with -e is not asked; on a terminal
// the prompt is "<prompt> [<default>]: " (no echo when private, the
// default; asked twice when confirm); an empty answer takes the default;
// without a terminal nothing is asked (a warning) and the default is used;
// encrypt hashes the answer as password_hash does (sha512_crypt,
// sha256_crypt); unsafe answers are never templated.
#pragma once

#include <functional>
#include <string>

#include "core/error.h"
#include "core/value.h"
#include "core/yaml.h"
#include "playbook/model.h"

namespace drover::cli {

// Reads one line for `prompt`; `echo` is false for private prompts.
using AskLine = std::function<Result<std::string>(const std::string& prompt, bool echo)>;

// The play's answers (name -> value). `interactive`: stdin is a terminal.
// Errors: a malformed vars_prompt entry, an unsupported encrypt scheme, a
// failed read.
Result<Map> AnswerVarsPrompts(const playbook::Play& play, const Map& extra_vars, bool interactive,
                              const AskLine& ask, Warnings* warnings);

// AskLine on the controlling terminal (/dev/tty); private answers are
// registered as secrets.
Result<std::string> AskOnTerminal(const std::string& prompt, bool echo);

}  // namespace drover::cli
