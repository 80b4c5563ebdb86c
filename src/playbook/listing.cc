#include "playbook/listing.h"

namespace drover::playbook {

namespace {

std::string Join(const TagSet& tags, const char* sep) {
  std::string out;
  for (const std::string& t : tags) out += (out.empty() ? "" : sep) + t;
  return out;
}

TagSet Union(TagSet a, const TagSet& b) {
  a.insert(b.begin(), b.end());
  return a;
}

// Ansible lists an unnamed task by its action alone, without the
// "role : " prefix its TASK banner shows.
std::string ListedName(const Task& task) {
  const Value* name = task.keywords.find("name");
  const bool named = name && name->is_string() && !name->as_string().empty();
  return named ? task.display_name() : task.action_as_written;
}

// Walks the `block` lists (not rescue/always, as ansible-playbook does),
// appending matching tasks and collecting their tags.
void Walk(const std::vector<Item>& items, const TagSet& inherited, const ListOptions& options,
          std::string& out, TagSet& all_tags) {
  for (const Item& item : items) {
    if (item.block) {
      Walk(item.block->block, Union(inherited, KeywordTags(item.block->keywords)), options, out,
           all_tags);
      continue;
    }
    const Task& task = *item.task;
    TagSet tags = Union(inherited, KeywordTags(task.keywords));
    if (!options.filter.ShouldRun(tags)) continue;
    all_tags.insert(tags.begin(), tags.end());
    if (options.tasks) out += "      " + ListedName(task) + "\tTAGS: [" + Join(tags, ", ") + "]\n";
  }
}

std::string PythonListRepr(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", '" : "'") + items[i] + "'";
  return out + "]";
}

}  // namespace

std::string ListPlaybook(const Playbook& pb, const std::string& shown_path,
                         const ListOptions& options) {
  std::string out = "\nplaybook: " + shown_path + "\n";
  int index = 0;
  for (const Play& play : pb.plays) {
    ++index;
    std::string hosts;
    for (size_t i = 0; i < play.hosts.size(); ++i) hosts += (i ? "," : "") + play.hosts[i];
    const TagSet play_tags = KeywordTags(play.keywords);
    out += "\n  play #" + std::to_string(index) + " (" + hosts + "): " + play.name + "\tTAGS: [" +
           Join(play_tags, ",") + "]";
    if (options.hosts && options.hosts_of) {
      std::vector<std::string> matched = options.hosts_of(play);
      out += "\n    pattern: " + PythonListRepr(play.hosts) + "\n    hosts (" +
             std::to_string(matched.size()) + "):";
      for (const std::string& h : matched) out += "\n      " + h;
    }
    out += "\n";
    if (!options.tasks && !options.tags) continue;
    std::string tasks;
    TagSet all_tags;
    for (const auto* section : {&play.pre_tasks, &play.tasks, &play.post_tasks})
      Walk(*section, play_tags, options, tasks, all_tags);
    if (options.tasks) out += "    tasks:\n" + tasks;
    if (options.tags) out += "      TASK TAGS: [" + Join(Union(play_tags, all_tags), ", ") + "]\n";
  }
  return out;
}

}  // namespace drover::playbook
