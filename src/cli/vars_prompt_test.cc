#include "cli/vars_prompt.h"

#include <doctest/doctest.h>

#include <deque>

#include "core/yaml.h"

namespace drover::cli {
namespace {

playbook::Play PlayWith(const std::string& yaml) {
  Result<Value> v = LoadYaml(yaml, "p.yml");
  REQUIRE(v.ok());
  playbook::Play play;
  play.keywords.set("vars_prompt", *v);
  return play;
}

// Answers from a queue; records what was asked and whether it echoed.
struct FakeTerminal {
  std::deque<std::string> answers;
  std::vector<std::string> asked;
  AskLine ask() {
    return [this](const std::string& prompt, bool echo) -> Result<std::string> {
      asked.push_back(prompt + (echo ? "" : " (hidden)"));
      if (answers.empty()) return MakeError("no more input");
      std::string a = answers.front();
      answers.pop_front();
      return a;
    };
  }
};

TEST_CASE("vars_prompt: prompts, defaults, private, confirm") {
  playbook::Play play = PlayWith(R"(
- {name: user, prompt: "User name", private: false, default: admin}
- {name: pass, prompt: "Password", confirm: true}
- {name: port, default: 8080}
- {name: given}
)");
  FakeTerminal t;
  t.answers = {"", "s3", "x", "s3", "s3", "9090"};
  Warnings w;
  Result<Map> r = AnswerVarsPrompts(play, Map{{"given", 1}}, true, t.ask(), &w);
  REQUIRE(r.ok());
  CHECK(r->find("user")->as_string() == "admin");  // empty answer: the default
  CHECK(r->find("pass")->as_string() == "s3");     // asked again until both match
  CHECK(r->find("port")->as_string() == "9090");
  CHECK_FALSE(r->contains("given"));  // -e wins, not asked
  CHECK(t.asked == std::vector<std::string>{"User name [admin]: ", "Password:  (hidden)",
                                            "confirm Password:  (hidden)", "Password:  (hidden)",
                                            "confirm Password:  (hidden)",
                                            "input for port:  (hidden)"});
  CHECK(w.empty());
}

TEST_CASE("vars_prompt: without a terminal the defaults are used") {
  playbook::Play play = PlayWith("[{name: a, default: 1}, {name: b}]");
  FakeTerminal t;
  Warnings w;
  Result<Map> r = AnswerVarsPrompts(play, Map{}, false, t.ask(), &w);
  REQUIRE(r.ok());
  CHECK(r->find("a")->as_string() == "1");
  CHECK(r->find("b")->as_string() == "None");  // Ansible's to_text(None)
  CHECK(t.asked.empty());
  CHECK(w.size() == 2);
}

TEST_CASE("vars_prompt: encrypt, unsafe and errors") {
  playbook::Play play = PlayWith(
      "[{name: h, encrypt: sha512_crypt, salt: abcdefgh, private: false}, {name: u, unsafe: "
      "true, private: false}]");
  FakeTerminal t;
  t.answers = {"secret", "{{ x }}"};
  Result<Map> r = AnswerVarsPrompts(play, Map{}, true, t.ask(), nullptr);
  REQUIRE(r.ok());
  // python3 -c "import crypt; print(crypt.crypt('secret', '$6$rounds=656000$abcdefgh'))"
  CHECK(r->find("h")->as_string().rfind("$6$rounds=656000$abcdefgh$", 0) == 0);
  CHECK(r->find("u")->is_unsafe());
  CHECK_FALSE(AnswerVarsPrompts(PlayWith("[{prompt: x}]"), Map{}, false, t.ask(), nullptr).ok());
  CHECK_FALSE(
      AnswerVarsPrompts(PlayWith("[{name: h, encrypt: md5_crypt}]"), Map{}, false, t.ask(), nullptr)
          .ok());
}

}  // namespace
}  // namespace drover::cli
