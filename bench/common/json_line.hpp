// One JSON object per measurement, printed as one line on stdout. The schema
// (bench/README in docs/benchmarks.md#json-rows) is shared with the browser
// half, so every producer writes the same keys.
#pragma once

#include <cmath>
#include <cstdio>
#include <string>

namespace bench {

class json_line {
 public:
  json_line& field(const char* key, const std::string& value) {
    sep();
    head_ += quote(key) + ":" + quote(value);
    return *this;
  }
  json_line& field(const char* key, const char* value) { return field(key, std::string(value)); }
  json_line& field(const char* key, double value) {
    sep();
    head_ += quote(key) + ":" + number(value);
    return *this;
  }
  json_line& field(const char* key, long long value) {
    sep();
    head_ += quote(key) + ":" + std::to_string(value);
    return *this;
  }
  json_line& field(const char* key, int value) { return field(key, static_cast<long long>(value)); }
  json_line& field(const char* key, std::size_t value) {
    return field(key, static_cast<long long>(value));
  }

  // A measured value and its unit; they go to the "values" and "units" maps.
  json_line& value(const char* metric, double v, const char* unit) {
    values_ += (values_.empty() ? "" : ",") + quote(metric) + ":" + number(v);
    units_ += (units_.empty() ? "" : ",") + quote(metric) + ":" + quote(unit);
    return *this;
  }

  std::string str() const {
    std::string s = "{" + head_;
    if (!values_.empty())
      s += std::string(head_.empty() ? "" : ",") + "\"values\":{" + values_ + "},\"units\":{" +
           units_ + "}";
    return s + "}";
  }
  void print() const {
    std::printf("%s\n", str().c_str());
    std::fflush(stdout);
  }

 private:
  void sep() {
    if (!head_.empty()) head_ += ",";
  }
  static std::string number(double v) {
    if (!std::isfinite(v)) return "null";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
  }
  static std::string quote(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
      if (c == '"' || c == '\\') {
        out += '\\';
        out += c;
      } else if (static_cast<unsigned char>(c) < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        out += buf;
      } else {
        out += c;
      }
    }
    return out + "\"";
  }

  std::string head_, values_, units_;
};

}  // namespace bench
