// pam_limits (community.general.pam_limits): one round trip reads the
// limits file; the line is edited on the controller exactly as Ansible's
// module edits it (including its comment carry-over), and a second round
// trip, outside check mode and only when the text changed, backs up and
// installs the file atomically (creating it when missing). Results:
// changed, msg (the limit's line), diff, backup_file.
#include <algorithm>

#include "modules/edit_file.h"
#include "modules/file_common.h"
#include "modules/registry.h"

namespace drover::modules {

namespace {

bool Unlimited(const std::string& v) {
  return v == "unlimited" || v == "infinity" || v == "-1";
}

bool IsDigits(const std::string& v) {
  return !v.empty() && std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Ansible's _assert_is_valid_value: "" when valid, else its message.
std::string InvalidValue(const std::string& item, const std::string& value,
                         const std::string& prefix) {
  auto repr = [](const std::string& s) { return "'" + s + "'"; };
  if (item == "nice" || item == "priority") {
    char* end = nullptr;
    long n = std::strtol(value.c_str(), &end, 10);
    if (!value.empty() && *end == '\0' && n >= -20 && n <= 19) return "";
    return prefix + " Value of " + repr(value) + " for item " + repr(item) +
           " is invalid. Value must be a number in the range -20 to 19 inclusive. Refer to the "
           "limits.conf(5) manual pages for more details.";
  }
  if (Unlimited(value) || IsDigits(value)) return "";
  return prefix + " Value of " + repr(value) + " for item " + repr(item) +
         " is invalid. Value must either be 'unlimited', 'infinity' or -1, all of which indicate "
         "no limit, or a limit of 0 or larger. Refer to the limits.conf(5) manual pages for more "
         "details.";
}

std::string CollapseSpaces(const std::string& s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = true;
    } else {
      if (space && !out.empty()) out += ' ';
      space = false;
      out += c;
    }
  }
  return out;  // stripped: leading/trailing whitespace dropped
}

std::string RStrip(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  return s;
}

class PamLimits : public Module {
 public:
  std::string_view Name() const override { return "pam_limits"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = {
        {"domain", ArgType::kStr, {}, true, {}, {}},
        {"limit_type", ArgType::kStr, {}, true, {}, {"soft", "hard", "-"}},
        {"limit_item",
         ArgType::kStr,
         {},
         true,
         {},
         {"core", "data", "fsize", "memlock", "nofile", "rss", "stack", "cpu", "nproc", "as",
          "maxlogins", "maxsyslogins", "priority", "locks", "sigpending", "msgqueue", "nice",
          "rtprio", "chroot"}},
        {"value", ArgType::kStr, {}, true, {}, {}},
        {"use_max", ArgType::kBool, Value(false), false, {}, {}},
        {"use_min", ArgType::kBool, Value(false), false, {}, {}},
        {"backup", ArgType::kBool, Value(false), false, {}, {}},
        {"dest", ArgType::kStr, Value("/etc/security/limits.conf"), false, {}, {}},
        {"comment", ArgType::kStr, Value(""), false, {}, {}},
    };
    return spec;
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    const std::string domain = ArgText(args, "domain");
    const std::string type = ArgText(args, "limit_type");
    const std::string item = ArgText(args, "limit_item");
    const std::string value = ArgText(args, "value");
    const bool use_max = args.find("use_max")->as_bool();
    const bool use_min = args.find("use_min")->as_bool();
    const std::string dest = ArgText(args, "dest");
    std::string new_comment = ArgText(args, "comment");

    std::optional<Map> failure;
    Result<EditTarget> target = ReadEditTarget(ctx, dest, &failure);
    if (!target) return target.take_error();
    if (failure) return *failure;
    bool changed = false;
    if (!target->st.exists) {
      if (!target->parent_exists)
        return Failed("directory " + dest.substr(0, dest.rfind('/')) +
                      " is not writable (check presence, access rights, use sudo)");
      changed = true;
    }
    if (use_max && use_min) return Failed("Cannot use use_min and use_max at the same time.");
    if (std::string bad = InvalidValue(item, value, ""); !bad.empty()) return Failed(bad);

    const std::string before = target->content.value_or("");
    std::string after, message;
    bool found = false;
    std::string new_value = value;
    for (const std::string& line : SplitLinesKeepEnds(before)) {
      if (line.rfind("#", 0) == 0) {
        after += line;
        continue;
      }
      std::string newline = CollapseSpaces(line);
      if (newline.empty()) {
        after += line;
        continue;
      }
      newline = RStrip(newline.substr(0, newline.find('#')));
      const size_t hash = line.find('#');
      const std::string old_comment = hash == std::string::npos ? "" : line.substr(hash + 1);
      if (new_comment.empty()) new_comment = old_comment;
      std::vector<std::string> f;
      for (size_t s = 0;;) {
        size_t sp = newline.find(' ', s);
        f.push_back(newline.substr(s, sp == std::string::npos ? sp : sp - s));
        if (sp == std::string::npos) break;
        s = sp + 1;
      }
      if (f.size() != 4) {
        after += line;
        continue;
      }
      if (std::string bad =
              InvalidValue(f[2], f[3], "Invalid configuration found in '" + dest + "'.");
          !bad.empty())
        return Failed(bad);
      if (!(f[0] == domain && f[1] == type && f[2] == item)) {
        after += line;
        continue;
      }
      found = true;
      const std::string& actual = f[3];
      if (value == actual) {
        message = line;
        after += line;
        continue;
      }
      const bool actual_unl = Unlimited(actual), value_unl = Unlimited(value);
      if (use_max)
        new_value = actual_unl  ? actual
                    : value_unl ? value
                                : std::to_string(std::max(std::stol(value), std::stol(actual)));
      if (use_min)
        new_value = actual_unl && value_unl ? actual
                    : actual_unl            ? value
                    : value_unl             ? actual
                                : std::to_string(std::min(std::stol(value), std::stol(actual)));
      if (new_value != actual) {
        changed = true;
        if (!new_comment.empty()) new_comment = "\t#" + new_comment;
        message = domain + "\t" + type + "\t" + item + "\t" + new_value + new_comment + "\n";
        after += message;
      } else {
        message = line;
        after += line;
      }
    }
    if (!found) {
      changed = true;
      if (!new_comment.empty()) new_comment = "\t#" + new_comment;
      message = domain + "\t" + type + "\t" + item + "\t" + new_value + new_comment + "\n";
      after += message;
    }

    Map r{{"changed", changed},
          {"msg", Value(message)},
          {"diff", Value(Map{{"before", Value(before)}, {"after", Value(after)}})}};
    if (ctx.diff_mode && changed)
      r.set("_drover_diff", Value(UnifiedDiff(before, after, dest, dest)));
    if (ctx.check_mode || (after == before && target->st.exists)) return r;
    EditWrite write;
    write.content = after;
    write.backup = args.find("backup")->as_bool();
    Result<EditWriteResult> done = WriteEdit(ctx, dest, *target, write, AttrPlan{});
    if (!done) return done.take_error();
    if (done->failure) return *done->failure;
    if (!done->backup_file.empty()) r.set("backup_file", Value(done->backup_file));
    return r;
  }
};

}  // namespace

const Module& PamLimitsModule() {
  static const PamLimits m;
  return m;
}

}  // namespace drover::modules
