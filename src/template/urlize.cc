// Jinja2 3.1's urlize filter: links http(s)://, www., bare domains of the
// common TLDs, IP addresses, mailto: and e-mail addresses in text (which is
// HTML-escaped first), keeping leading "(" / "<" and trailing punctuation
// outside the link, with Jinja2's default rel="noopener".
#include <algorithm>
#include <set>
#include <sstream>

#include "template/regex.h"
#include "template/runtime.h"

namespace drover::tmpl {
namespace {

// Compiled patterns are held (the regex cache may drop its entries).
std::shared_ptr<const Regex> Re(const char* pattern, bool ignorecase = false) {
  RegexFlags f;
  f.ignorecase = ignorecase;
  return Regex::Compile(pattern, f);
}

// jinja2.utils._http_re (re.VERBOSE written out).
const Regex& HttpRe() {
  static const std::shared_ptr<const Regex> re =
      Re("^((https?://|www\\.)(([\\w%-]+\\.)+)?([a-z]{2,63}|xn--[\\w%]{2,59})"
         "|([\\w%-]{2,63}\\.)+(com|net|int|edu|gov|org|info|mil)"
         "|(https?://"
         ")((([\\d]{1,3})(\\.[\\d]{1,3}){3})|(\\[([\\da-f]{0,4}:){2}([\\da-f]{0,4}:?){1,6}])))"
         "(?::[\\d]{1,5})?(?:[/?#]\\S*)?$",
         true);
  return *re;
}

bool Matches(const Regex& re, std::string_view s) {
  RegexMatch m;
  return re.Search(s, 0, &m, true);
}

size_t Count(std::string_view s, std::string_view sub) {
  size_t n = 0;
  for (size_t p = s.find(sub); p != std::string_view::npos; p = s.find(sub, p + sub.size())) ++n;
  return n;
}

struct UrlizeOptions {
  int64_t trim = -1;  // trim_url_limit; -1: none
  std::string rel_attr, target_attr;
  std::vector<std::string> extra_schemes;
  bool has_extra = false;
};

std::string Trim(const std::string& x, int64_t limit) {
  if (limit < 0) return x;
  std::vector<std::string> chars = Utf8Chars(x);
  if (static_cast<int64_t>(chars.size()) <= limit) return x;
  std::string out;
  for (int64_t i = 0; i < limit; ++i) out += chars[static_cast<size_t>(i)];
  return out + "...";
}

// One word of the split text: head punctuation, the candidate, the tail.
std::string LinkWord(const std::string& word, const UrlizeOptions& o) {
  std::string head, middle = word, tail;
  RegexMatch m;
  static const auto lead = Re("^([(<]|&lt;)+");
  static const auto trail = Re("([)>.,\\n]|&gt;)+$");
  if (lead->Search(middle, 0, &m, true)) {
    head = m.Group(middle, 0);
    middle = middle.substr(head.size());
  }
  static const char* kEnds[] = {")", ">", ".", ",", "\n", "&gt;"};
  if (std::any_of(std::begin(kEnds), std::end(kEnds),
                  [&](const char* e) { return std::string_view(middle).ends_with(e); }) &&
      trail->Search(middle, 0, &m)) {
    tail = middle.substr(static_cast<size_t>(m.groups[0].first));
    middle = middle.substr(0, static_cast<size_t>(m.groups[0].first));
  }
  // Prefer balancing parentheses in URLs over ignoring a trailing one.
  static const std::pair<std::string_view, std::string_view> kPairs[] = {
      {"(", ")"}, {"<", ">"}, {"&lt;", "&gt;"}};
  for (auto [open, close] : kPairs) {
    size_t starts = Count(middle, open);
    if (starts <= Count(middle, close)) continue;
    for (size_t k = std::min(starts, Count(tail, close)); k > 0; --k) {
      size_t end = tail.find(close) + close.size();
      middle += tail.substr(0, end);
      tail = tail.substr(end);
    }
  }
  static const auto email_re = Re("^\\S+@\\w[\\w.-]*\\.\\w+$");
  const Regex& email = *email_re;
  auto sv = std::string_view(middle);
  if (Matches(HttpRe(), middle)) {
    std::string href =
        sv.starts_with("https://") || sv.starts_with("http://") ? middle : "https://" + middle;
    middle = "<a href=\"" + href + "\"" + o.rel_attr + o.target_attr + ">" + Trim(middle, o.trim) +
             "</a>";
  } else if (sv.starts_with("mailto:") && Matches(email, sv.substr(7))) {
    middle = "<a href=\"" + middle + "\">" + middle.substr(7) + "</a>";
  } else if (sv.find('@') != std::string_view::npos && !sv.starts_with("www.") &&
             sv.find(':') == std::string_view::npos && Matches(email, middle)) {
    middle = "<a href=\"mailto:" + middle + "\">" + middle + "</a>";
  } else if (o.has_extra) {
    for (const std::string& scheme : o.extra_schemes)
      if (middle != scheme && sv.starts_with(scheme))
        middle = "<a href=\"" + middle + "\"" + o.rel_attr + o.target_attr + ">" + middle + "</a>";
  }
  return head + middle + tail;
}

UrlizeOptions ParseArgs(CallArgs& a) {
  a.Check("urlize", 5, {"trim_url_limit", "nofollow", "target", "rel", "extra_schemes"});
  UrlizeOptions o;
  if (const TVal* t = a.Get(0, "trim_url_limit"); t && !t->val().is_null())
    o.trim = PyInt(t->val());
  std::set<std::string> rel = {"noopener"};  // Jinja2's urlize.rel policy
  if (const TVal* r = a.Get(3, "rel"); r && !r->val().is_null()) {
    std::istringstream in(PyStrOf(*r));
    for (std::string w; in >> w;) rel.insert(w);
  }
  if (const TVal* n = a.Get(1, "nofollow"); n && n->val().truthy()) rel.insert("nofollow");
  std::string joined;
  for (const std::string& r : rel) joined += (joined.empty() ? "" : " ") + r;
  o.rel_attr = " rel=\"" + HtmlEscape(joined) + "\"";
  if (const TVal* t = a.Get(2, "target"); t && !t->val().is_null() && t->val().truthy())
    o.target_attr = " target=\"" + HtmlEscape(PyStrOf(*t)) + "\"";
  if (const TVal* e = a.Get(4, "extra_schemes"); e && !e->val().is_null()) {
    o.has_extra = true;
    for (const Value& s : PyIter(e->val())) {
      std::string scheme = PyStr(s);
      static const auto scheme_re = Re("^([\\w.+-]{2,}:(/){0,2})$");
      if (!Matches(*scheme_re, scheme))
        Fail(PyRepr(Value(scheme)) + " is not a valid URI scheme prefix.");
      o.extra_schemes.push_back(scheme);
    }
  }
  return o;
}

}  // namespace

TVal FilterUrlize(Renderer& r, const TVal& in, CallArgs& a) {
  UrlizeOptions o = ParseArgs(a);
  std::string text = in.markup ? PyStrOf(in) : HtmlEscape(PyStrOf(in));
  // re.split(r"(\s+)", text): words and the whitespace between them.
  std::string out;
  size_t pos = 0;
  static const auto space_re = Re("\\s+");
  for (const RegexMatch& m : space_re->FindAll(text)) {
    size_t start = static_cast<size_t>(m.groups[0].first);
    size_t end = static_cast<size_t>(m.groups[0].second);
    out += LinkWord(text.substr(pos, start - pos), o);
    out += LinkWord(text.substr(start, end - start), o);
    pos = end;
  }
  out += LinkWord(text.substr(pos), o);
  if (r.autoescape()) return TVal::Markup(std::move(out));
  return Value(std::move(out));
}

}  // namespace drover::tmpl
