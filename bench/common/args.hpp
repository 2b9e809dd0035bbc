// `--key value` command-line options with defaults; unknown keys are errors,
// so a typo in the runner fails loudly instead of measuring the wrong thing.
#pragma once

#include <map>
#include <set>
#include <stdexcept>
#include <string>

namespace bench {

class args {
 public:
  args(int argc, char** argv, int first) {
    for (int i = first; i < argc; i += 2) {
      std::string k = argv[i];
      if (k.rfind("--", 0) != 0 || i + 1 >= argc)
        throw std::invalid_argument("expected --key value, got " + k);
      values_[k.substr(2)] = argv[i + 1];
    }
  }
  double number(const std::string& key, double fallback) {
    used_.insert(key);
    auto it = values_.find(key);
    return it == values_.end() ? fallback : std::stod(it->second);
  }
  long long integer(const std::string& key, long long fallback) {
    used_.insert(key);
    auto it = values_.find(key);
    return it == values_.end() ? fallback : std::stoll(it->second);
  }
  std::string text(const std::string& key, const std::string& fallback) {
    used_.insert(key);
    auto it = values_.find(key);
    return it == values_.end() ? fallback : it->second;
  }
  // Call after reading every option.
  void check_all_used() const {
    for (auto& [k, v] : values_)
      if (!used_.count(k)) throw std::invalid_argument("unknown option --" + k);
  }

 private:
  std::map<std::string, std::string> values_;
  std::set<std::string> used_;
};

}  // namespace bench
