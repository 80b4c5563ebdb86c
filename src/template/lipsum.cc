// Jinja2's lipsum() global: n paragraphs of lorem ipsum, each of min..max
// words with commas and full stops placed as Jinja2 places them; random,
// as in Jinja2 (no seed), so only the shape can be compared.
#include <random>
#include <sstream>

#include "template/runtime.h"

namespace drover::tmpl {
namespace {

// Jinja2's LOREM_IPSUM_WORDS.
constexpr const char* kWords =
    "a ac accumsan ad adipiscing aenean aliquam aliquet amet ante aptent arcu at "
    "auctor augue bibendum blandit class commodo condimentum congue consectetuer "
    "consequat conubia convallis cras cubilia cum curabitur curae cursus dapibus "
    "diam dictum dictumst dignissim dis dolor donec dui duis egestas eget eleifend "
    "elementum elit enim erat eros est et etiam eu euismod facilisi facilisis fames "
    "faucibus felis fermentum feugiat fringilla fusce gravida habitant habitasse hac "
    "hendrerit hymenaeos iaculis id imperdiet in inceptos integer interdum ipsum "
    "justo lacinia lacus laoreet lectus leo libero ligula litora lobortis lorem "
    "luctus maecenas magna magnis malesuada massa mattis mauris metus mi molestie "
    "mollis montes morbi mus nam nascetur natoque nec neque netus nibh nisi nisl non "
    "nonummy nostra nulla nullam nunc odio orci ornare parturient pede pellentesque "
    "penatibus per pharetra phasellus placerat platea porta porttitor posuere "
    "potenti praesent pretium primis proin pulvinar purus quam quis quisque rhoncus "
    "ridiculus risus rutrum sagittis sapien scelerisque sed sem semper senectus sit "
    "sociis sociosqu sodales sollicitudin suscipit suspendisse taciti tellus tempor "
    "tempus tincidunt torquent tortor tristique turpis ullamcorper ultrices "
    "ultricies urna ut varius vehicula vel velit venenatis vestibulum vitae vivamus "
    "viverra volutpat vulputate";

std::vector<std::string> Words() {
  std::vector<std::string> w;
  std::istringstream in(kWords);
  for (std::string s; in >> s;) w.push_back(s);
  return w;
}

int64_t IntArg(const CallArgs& a, size_t index, std::string_view name, int64_t dflt) {
  const TVal* v = a.Get(index, name);
  if (!v) return dflt;
  if (!IsPyInt(v->val()))
    Fail("'" + std::string(v->val().type_name()) + "' object cannot be interpreted as an integer");
  return PyInt(v->val());
}

}  // namespace

TVal GlobalLipsum(Renderer&, CallArgs& a) {
  a.Check("generate_lorem_ipsum", 4, {"n", "html", "min", "max"});
  int64_t n = IntArg(a, 0, "n", 5);
  const TVal* html_arg = a.Get(1, "html");
  bool html = !html_arg || html_arg->val().truthy();
  int64_t min = IntArg(a, 2, "min", 20), max = IntArg(a, 3, "max", 100);
  if (min >= max)
    Fail("empty range for randrange() (" + std::to_string(min) + ", " + std::to_string(max) + ", " +
         std::to_string(max - min) + ")");
  if (n > 10000 || max > 100000) Fail("lipsum: too many words asked for");
  static const std::vector<std::string> words = Words();
  thread_local std::mt19937_64 rng{std::random_device{}()};
  auto randrange = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi - 1)(rng);
  };
  std::vector<std::string> result;
  for (int64_t i = 0; i < n; ++i) {
    bool next_capitalized = true;
    int64_t last_comma = 0, last_fullstop = 0;
    std::string last, p;
    int64_t count = randrange(min, max);
    for (int64_t idx = 0; idx < count; ++idx) {
      std::string word;
      do {
        word = words[static_cast<size_t>(randrange(0, static_cast<int64_t>(words.size())))];
      } while (word == last);
      last = word;
      if (next_capitalized) {
        word[0] = static_cast<char>(word[0] - 'a' + 'A');
        next_capitalized = false;
      }
      if (idx - randrange(3, 8) > last_comma) {
        last_comma = idx;
        last_fullstop += 2;
        word += ",";
      }
      if (idx - randrange(10, 20) > last_fullstop) {
        last_comma = last_fullstop = idx;
        word += ".";
        next_capitalized = true;
      }
      if (!p.empty()) p += " ";
      p += word;
    }
    if (!p.empty() && p.back() == ',')
      p.back() = '.';
    else if (p.empty() || p.back() != '.')
      p += ".";
    result.push_back(std::move(p));
  }
  std::string out;
  for (size_t i = 0; i < result.size(); ++i) {
    if (i) out += html ? "\n" : "\n\n";
    out += html ? "<p>" + HtmlEscape(result[i]) + "</p>" : result[i];
  }
  return html ? TVal::Markup(std::move(out)) : TVal(Value(std::move(out)));
}

}  // namespace drover::tmpl
