#include "template/datetime.h"

#include <cstdio>

namespace drover::tmpl {

std::string PyStrftime(std::string_view format, const struct tm& t, int microsecond) {
  // Python expands %f, %z and %Z itself, then hands the rest to strftime.
  std::string c_format;
  for (size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%' || i + 1 == format.size()) {
      c_format += format[i];
      continue;
    }
    const char d = format[++i];
    if (d == 'f') {
      char buf[8];
      std::snprintf(buf, sizeof buf, "%06d", microsecond);
      c_format += buf;
    } else if (d != 'z' && d != 'Z') {
      c_format += '%';
      c_format += d;
    }
  }
  std::string out(c_format.size() * 8 + 64, '\0');
  size_t len = std::strftime(out.data(), out.size(), c_format.c_str(), &t);
  out.resize(len);
  return out;
}

namespace {

class TimeDelta : public Object {
 public:
  explicit TimeDelta(int64_t micros) : us_(micros) {}
  std::string TypeName() const override { return "timedelta"; }
  int64_t Days() const { return FloorDiv(us_, 86400LL * 1000000); }
  int64_t Seconds() const { return FloorDiv(us_ - Days() * 86400LL * 1000000, 1000000); }
  int64_t Micros() const { return us_ - Days() * 86400LL * 1000000 - Seconds() * 1000000; }
  bool GetAttr(std::string_view n, TVal* out) override {
    if (n == "days")
      *out = Value(Days());
    else if (n == "seconds")
      *out = Value(Seconds());
    else if (n == "microseconds")
      *out = Value(Micros());
    else if (n == "total_seconds")
      *out = TVal::Obj(std::make_shared<TotalSeconds>(us_));
    else
      return false;
    return true;
  }
  std::string Str() const override {
    std::string s;
    int64_t d = Days();
    if (d != 0) s = std::to_string(d) + (d == 1 || d == -1 ? " day, " : " days, ");
    int64_t sec = Seconds();
    char buf[64];
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", static_cast<long long>(sec / 3600),
                  static_cast<long long>(sec / 60 % 60), static_cast<long long>(sec % 60));
    s += buf;
    if (Micros()) {
      std::snprintf(buf, sizeof buf, ".%06lld", static_cast<long long>(Micros()));
      s += buf;
    }
    return s;
  }
  int64_t us_;

 private:
  static int64_t FloorDiv(int64_t a, int64_t b) {
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
    return q;
  }
  struct TotalSeconds : Object {
    explicit TotalSeconds(int64_t us) : us(us) {}
    std::string TypeName() const override { return "builtin_function_or_method"; }
    bool Callable() const override { return true; }
    TVal Call(Renderer&, CallArgs&) override { return Value(static_cast<double>(us) / 1e6); }
    int64_t us;
  };
};

class DateTime : public Object {
 public:
  DateTime(const struct tm& t, int us) : t_(t), us_(us) {
    struct tm copy = t;
    epoch_ = timegm(&copy);
  }
  std::string TypeName() const override { return "datetime"; }
  bool GetAttr(std::string_view n, TVal* out) override {
    if (n == "year")
      *out = Value(static_cast<int64_t>(t_.tm_year + 1900));
    else if (n == "month")
      *out = Value(static_cast<int64_t>(t_.tm_mon + 1));
    else if (n == "day")
      *out = Value(static_cast<int64_t>(t_.tm_mday));
    else if (n == "hour")
      *out = Value(static_cast<int64_t>(t_.tm_hour));
    else if (n == "minute")
      *out = Value(static_cast<int64_t>(t_.tm_min));
    else if (n == "second")
      *out = Value(static_cast<int64_t>(t_.tm_sec));
    else if (n == "microsecond")
      *out = Value(static_cast<int64_t>(us_));
    else if (n == "strftime" || n == "isoformat" || n == "timestamp" || n == "weekday")
      *out = TVal::Obj(std::make_shared<Method>(this, std::string(n)));
    else
      return false;
    return true;
  }
  std::string Str() const override { return Format(' '); }
  std::string Format(char sep) const {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d%c%02d:%02d:%02d", t_.tm_year + 1900,
                  t_.tm_mon + 1, t_.tm_mday, sep, t_.tm_hour, t_.tm_min, t_.tm_sec);
    std::string s = buf;
    if (us_) {
      std::snprintf(buf, sizeof buf, ".%06d", us_);
      s += buf;
    }
    return s;
  }
  int64_t Micros() const { return static_cast<int64_t>(epoch_) * 1000000 + us_; }
  std::optional<TVal> BinaryOp(const std::string& op, const TVal& other, bool) override {
    if (op != "-" || !other.is_obj()) return std::nullopt;
    if (auto* d = dynamic_cast<DateTime*>(other.obj.get()))
      return TVal::Obj(std::make_shared<TimeDelta>(Micros() - d->Micros()));
    return std::nullopt;
  }
  std::optional<int> CompareTo(const TVal& other) override {
    if (!other.is_obj()) return std::nullopt;
    auto* d = dynamic_cast<DateTime*>(other.obj.get());
    if (!d) return std::nullopt;
    return Micros() < d->Micros() ? -1 : Micros() > d->Micros() ? 1 : 0;
  }

 private:
  struct Method : Object {
    Method(DateTime* d, std::string n) : d(d), n(std::move(n)) {}
    std::string TypeName() const override { return "builtin_function_or_method"; }
    bool Callable() const override { return true; }
    TVal Call(Renderer&, CallArgs& a) override {
      if (n == "isoformat") return Value(d->Format('T'));
      if (n == "timestamp") return Value(static_cast<double>(d->Micros()) / 1e6);
      if (n == "weekday") return Value(static_cast<int64_t>((d->t_.tm_wday + 6) % 7));
      if (a.pos.empty()) Fail("strftime() takes exactly one argument");
      return Value(PyStrftime(PyStrOf(a.pos[0]), d->t_, d->us_));
    }
    DateTime* d;
    std::string n;
  };
  struct tm t_;
  int us_;
  time_t epoch_;
};

}  // namespace

TVal MakeDateTime(const struct tm& t, int microsecond) {
  struct tm norm = t;
  time_t e = timegm(&norm);
  gmtime_r(&e, &norm);  // fills tm_wday/tm_yday
  return TVal::Obj(std::make_shared<DateTime>(norm, microsecond));
}

}  // namespace drover::tmpl
