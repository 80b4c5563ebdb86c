#include "cli/vars_prompt.h"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>

#include "core/secrets.h"
#include "template/template.h"

namespace drover::cli {

namespace {

bool Boolean(const Value* v, bool fallback) {
  if (!v || v->is_null()) return fallback;
  if (v->is_bool()) return v->as_bool();
  if (v->is_string()) {
    std::string s = v->as_string();
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s == "yes" || s == "true" || s == "on" || s == "1" || s == "y" || s == "t";
  }
  return v->truthy();
}

std::string Text(const Value& v) {
  return v.is_string() ? v.as_string() : tmpl::PyStr(v);
}

}  // namespace

Result<std::string> AskOnTerminal(const std::string& prompt, bool echo) {
  const int tty = open("/dev/tty", O_RDWR | O_CLOEXEC);
  if (tty < 0) return MakeError("no terminal to ask '" + prompt + "' on");
  // Echo goes off before the prompt is shown (and without flushing input),
  // so an answer typed at once is neither echoed nor lost.
  termios old{};
  const bool quiet = !echo && tcgetattr(tty, &old) == 0;
  if (quiet) {
    termios noecho = old;
    noecho.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(tty, TCSANOW, &noecho);
  }
  std::string answer;
  bool wrote = write(tty, prompt.data(), prompt.size()) >= 0;
  char c;
  while (wrote && read(tty, &c, 1) == 1 && c != '\n') answer += c;
  if (quiet) {
    tcsetattr(tty, TCSANOW, &old);
    wrote = write(tty, "\n", 1) >= 0 && wrote;
  }
  close(tty);
  if (!wrote) return MakeError("cannot write to the terminal");
  if (!echo) RegisterSecret(answer);
  return answer;
}

Result<Map> AnswerVarsPrompts(const playbook::Play& play, const Map& extra_vars, bool interactive,
                              const AskLine& ask, Warnings* warnings) {
  Map answers;
  const Value* prompts = play.keywords.find("vars_prompt");
  if (!prompts || prompts->is_null()) return answers;
  if (!prompts->is_list()) return MakeError("'vars_prompt' must be a list", prompts->where());
  for (const Value& p : prompts->as_list()) {
    const Value* name = p.is_map() ? p.as_map().find("name") : nullptr;
    if (!name || !name->is_string())
      return MakeError("each vars_prompt entry needs a 'name'", p.where());
    const std::string vname = name->as_string();
    if (extra_vars.contains(vname)) continue;  // -e wins and is not asked
    const Map& m = p.as_map();
    const Value* prompt = m.find("prompt");
    const Value* def = m.find("default");
    const bool has_default = def && !def->is_null();
    const bool secret = Boolean(m.find("private"), true);
    const bool confirm = Boolean(m.find("confirm"), false);
    std::string result;
    bool answered = false;
    if (interactive) {
      std::string msg;
      if (prompt && has_default)
        msg = Text(*prompt) + " [" + Text(*def) + "]: ";
      else if (prompt)
        msg = Text(*prompt) + ": ";
      else
        msg = "input for " + vname + ": ";
      while (true) {
        Result<std::string> first = ask(msg, !secret);
        if (!first) return first.take_error();
        if (!confirm) {
          result = *first;
          break;
        }
        Result<std::string> second = ask("confirm " + msg, !secret);
        if (!second) return second.take_error();
        if (*first == *second) {
          result = *first;
          break;
        }
        std::fputs("***** VALUES ENTERED DO NOT MATCH ****\n", stdout);
        std::fflush(stdout);
      }
      answered = !result.empty();
    } else if (warnings) {
      warnings->push_back(MakeError("Not prompting as we are not in interactive mode"));
    }
    Value value;
    if (answered || !has_default) {
      // Ansible turns a missing answer without default into the text "None".
      value = Value(answered || interactive ? result : std::string("None"));
    } else {
      value = Value(Text(*def));  // Ansible's to_text(default)
    }
    if (const Value* encrypt = m.find("encrypt"); encrypt && !encrypt->is_null()) {
      Map vars{{"answer", Value(Text(value))}, {"scheme", *encrypt}};
      const Value* salt = m.find("salt");
      vars.set("salt", salt ? *salt : Value());
      tmpl::MapScope scope{Value(std::move(vars))};
      Result<std::string> hashed = tmpl::RenderString("{{ answer | password_hash(scheme, salt) }}",
                                                      "vars_prompt", scope, tmpl::Options());
      if (!hashed) {
        Error e = hashed.take_error();
        e.where = p.where();
        return e;
      }
      value = Value(*hashed);
    }
    if (Boolean(m.find("unsafe"), false)) value.set_unsafe();
    answers.set(vname, std::move(value));
  }
  return answers;
}

}  // namespace drover::cli
