#include "playbook/loader.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "playbook/listing.h"

using namespace drover;
using namespace drover::playbook;
namespace fs = std::filesystem;

namespace {
// A scratch project directory removed at the end of the test.
struct Project {
  fs::path dir;
  Project() {
    char tmpl[] = "/tmp/drover-loader-XXXXXX";
    dir = mkdtemp(tmpl);
  }
  ~Project() { fs::remove_all(dir); }
  void Write(const std::string& rel, const std::string& text) {
    fs::create_directories((dir / rel).parent_path());
    std::ofstream(dir / rel) << text;
  }
  Result<Playbook> Load(const std::string& rel) {
    Warnings w;
    return LoadPlaybook((dir / rel).string(), LoadOptions{}, &w);
  }
};
}  // namespace

TEST_CASE("a typo'd task key names file, line, column and the fix") {
  Project p;
  p.Write("site.yml", "- hosts: all\n  tasks:\n    - nmae: install\n      command: true\n");
  Result<Playbook> pb = p.Load("site.yml");
  REQUIRE_FALSE(pb.ok());
  CHECK(pb.error().headline() ==
        (p.dir / "site.yml").string() + ":3:13: unknown key 'nmae' in task; did you mean 'name'?");
}

TEST_CASE("unknown modules and play keys are reported with suggestions") {
  Project p;
  p.Write("a.yml",
          "- hosts: all\n  tasks:\n    - name: x\n      ansible.builtin.copi: src=a dest=b\n");
  Result<Playbook> a = p.Load("a.yml");
  REQUIRE_FALSE(a.ok());
  CHECK(a.error().message ==
        "couldn't resolve module/action 'ansible.builtin.copi' in task; did you mean "
        "'ansible.builtin.copy'?");
  CHECK(a.error().where.line == 3);              // the task's line, as Ansible reports it
  CHECK(static_cast<int>(a.error().code) == 4);  // Ansible's parser-error exit code

  p.Write("b.yml", "- hosts: all\n  gather_fact: false\n  tasks: []\n");
  Result<Playbook> b = p.Load("b.yml");
  REQUIRE_FALSE(b.ok());
  CHECK(b.error().message == "unknown key 'gather_fact' in play; did you mean 'gather_facts'?");

  p.Write("c.yml",
          "- hosts: all\n  tasks:\n    - name: two actions\n      command: x\n      shell: y\n");
  Result<Playbook> c = p.Load("c.yml");
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().message == "conflicting action statements: command, shell");
}

TEST_CASE("tasks: free-form args, args:, action:, local_action:, FQCN") {
  Project p;
  p.Write("site.yml",
          "- hosts: all\n  tasks:\n"
          "    - command: chdir=/tmp ls -l\n"
          "    - ansible.builtin.copy: src=a dest=b\n      args: {mode: '0644', dest: ignored}\n"
          "    - action: file path=/x state=touch\n"
          "    - local_action: command echo hi\n");
  Result<Playbook> pb = p.Load("site.yml");
  REQUIRE_MESSAGE(pb.ok(), (pb.ok() ? "" : pb.error().full()));
  const auto& tasks = pb->plays[0].tasks;
  REQUIRE(tasks.size() == 4);
  CHECK(tasks[0].task->action == "command");
  CHECK(tasks[0].task->args.find("_raw_params")->as_string() == "ls -l");
  CHECK(tasks[0].task->args.find("chdir")->as_string() == "/tmp");
  CHECK(tasks[1].task->action == "copy");
  CHECK(tasks[1].task->args.find("dest")->as_string() == "b");
  CHECK(tasks[1].task->args.find("mode")->as_string() == "0644");
  CHECK(tasks[2].task->action == "file");
  CHECK(tasks[3].task->keywords.find("delegate_to")->as_string() == "localhost");
}

TEST_CASE("roles, dependencies, imports and handlers are resolved") {
  Project p;
  p.Write("roles/base/tasks/main.yml", "- name: base task\n  debug: msg=b\n");
  p.Write("roles/base/defaults/main.yml", "base_port: 80\n");
  p.Write("roles/web/meta/main.yml", "dependencies:\n  - base\n");
  p.Write("roles/web/tasks/main.yml",
          "- name: web task\n  debug: msg=w\n- import_tasks: extra.yml\n");
  p.Write("roles/web/tasks/extra.yml", "- name: extra\n  debug: msg=e\n");
  p.Write("roles/web/handlers/main.yml", "- name: restart web\n  debug: msg=r\n");
  p.Write("site.yml",
          "- hosts: web\n  roles:\n    - role: web\n      tags: w\n      http_port: 8080\n"
          "  tasks:\n    - import_role: name=base\n");
  Result<Playbook> pb = p.Load("site.yml");
  REQUIRE_MESSAGE(pb.ok(), (pb.ok() ? "" : pb.error().full()));
  const Play& play = pb->plays[0];
  REQUIRE(play.handlers.size() == 1);
  CHECK(play.handlers[0].task->display_name() == "web : restart web");
  ListOptions lo;
  lo.tasks = true;
  // base imported again is listed again, as by Ansible (an import_role is
  // another role in Ansible's cache than a dependency; duplicates of one role
  // are skipped at run time, per host).
  CHECK(ListPlaybook(*pb, "site.yml", lo) ==
        "\nplaybook: site.yml\n\n  play #1 (web): web\tTAGS: []\n    tasks:\n"
        "      base : base task\tTAGS: [w]\n      web : web task\tTAGS: [w]\n"
        "      web : extra\tTAGS: [w]\n      base : base task\tTAGS: []\n");
  REQUIRE(play.roles.size() == 3);
  CHECK(play.roles[0]->name == "base");
  CHECK(play.roles[0]->defaults.find("base_port")->as_int() == 80);
  REQUIRE(play.roles[1]->params.contains("http_port"));
  CHECK(play.roles[1]->params.find("http_port")->as_int() == 8080);
}

TEST_CASE("a missing role is an error naming where it was looked for") {
  Project p;
  p.Write("site.yml", "- hosts: all\n  roles: [nosuch]\n");
  Result<Playbook> pb = p.Load("site.yml");
  REQUIRE_FALSE(pb.ok());
  CHECK(pb.error().message.find("the role 'nosuch' was not found") == 0);
  CHECK(pb.error().where.line == 2);
}
