#include "executor/task_count.h"

#include "playbook/keywords.h"

namespace drover::executor {

namespace {

playbook::TagSet WithTagsOf(playbook::TagSet tags, const Map& keywords) {
  const playbook::TagSet own = playbook::KeywordTags(keywords);
  tags.insert(own.begin(), own.end());
  return tags;
}

size_t CountItems(const std::vector<playbook::Item>& items, const playbook::TagSet& inherited,
                  const playbook::TagFilter& filter) {
  size_t n = 0;
  for (const playbook::Item& item : items) {
    if (item.block) {
      const playbook::TagSet tags = WithTagsOf(inherited, item.block->keywords);
      n += CountItems(item.block->block, tags, filter) +
           CountItems(item.block->always, tags, filter);
    } else if (item.task && filter.ShouldRun(WithTagsOf(inherited, item.task->keywords))) {
      ++n;
    }
  }
  return n;
}

// As PlayRun decides: facts are gathered unless gather_facts is false.
bool GathersFacts(const Map& play_keywords) {
  const Value* v = play_keywords.find("gather_facts");
  return !v || playbook::KeywordIsTrue(v);
}

}  // namespace

size_t PlannedTaskCount(const playbook::Play& play, const playbook::TagFilter& filter) {
  const playbook::TagSet play_tags = WithTagsOf({}, play.keywords);
  size_t n = GathersFacts(play.keywords) ? 1 : 0;
  for (const auto* section : {&play.pre_tasks, &play.tasks, &play.post_tasks})
    n += CountItems(*section, play_tags, filter);
  return n;
}

}  // namespace drover::executor
