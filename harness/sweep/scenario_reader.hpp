// The scenario reader's inside, shared by scenario.cpp (the file's top
// level, options and elastic config) and scenario_workload.cpp (a workload's
// keys): a Reader that fails with "FILE: PATH: REASON" as a usage error
// (exit 2), in the command line's words for the same value.
#pragma once

#include <chrono>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "harness/model/closest_name.hpp"
#include "harness/model/numbers.hpp"
#include "harness/model/usage_error.hpp"
#include "harness/model/workload.hpp"

namespace qb::scenario_detail {

using nlohmann::json;

inline const char* type_name(const json& v) {
  if (v.is_number_integer()) return "an integer";
  if (v.is_number()) return "a number";
  if (v.is_string()) return "a string";
  if (v.is_boolean()) return "a boolean";
  if (v.is_array()) return "an array";
  if (v.is_object()) return "an object";
  return "null";
}

// Reads values at a path, failing with "FILE: PATH: REASON".
class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void fail(std::string_view path, std::string_view why) const {
    throw UsageError(fmt::format("{}: {}: {}", file_, path, why));
  }

  template <class Keys>
  void only_keys(const json& obj, std::string_view path, const Keys& allowed, std::string_view where) const {
    for (const auto& [key, value] : obj.items()) {
      bool known = false;
      std::vector<std::string> names;
      for (auto a : allowed) {
        known = known || a == key;
        names.emplace_back(a);
      }
      if (known) continue;
      // The closest key, else every key the place takes.
      const auto meant = closest_name(key, names);
      fail(join(path, key), meant ? fmt::format("unknown key {}; did you mean {}?", where, *meant)
                                  : fmt::format("unknown key {} (keys: {})", where, fmt::join(names, ", ")));
    }
  }

  void only_keys(const json& obj, std::string_view path, std::initializer_list<std::string_view> allowed,
                 std::string_view where) const {
    only_keys<std::initializer_list<std::string_view>>(obj, path, allowed, where);
  }

  const json& object(const json& v, std::string_view path) const {
    if (!v.is_object()) fail(path, fmt::format("expected an object, got {}", type_name(v)));
    return v;
  }

  std::string string(const json& v, std::string_view path) const {
    if (!v.is_string()) fail(path, fmt::format("expected a string, got {}", type_name(v)));
    return v.get<std::string>();
  }

  // A whole number in [min, max], refused as the command line refuses it
  // (numbers.hpp): the same words for a negative, a fraction, a zero and a
  // value past the bound.
  std::uint64_t count(const json& v, std::string_view path, std::uint64_t min, std::uint64_t max) const {
    if (!v.is_number()) fail(path, fmt::format("expected a whole number, got {}", type_name(v)));
    const std::string text = v.dump();
    if (v.is_number_unsigned()) return parse_count(where(path), std::to_string(v.get<std::uint64_t>()), min, max);
    return parse_count(where(path), text, min, max);  // negative or a fraction: refused, naming it
  }

  double number(const json& v, std::string_view path) const {
    if (!v.is_number()) fail(path, fmt::format("expected a number, got {}", type_name(v)));
    const double d = v.get<double>();
    if (!std::isfinite(d)) fail(path, "expected a finite number");
    return d;
  }

  // int | [int] | "1,2,4-8" -> command-line text
  std::string counts(const json& v, std::string_view path, std::uint64_t min, std::uint64_t max) const {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number_integer()) return std::to_string(count(v, path, min, max));
    if (v.is_array() && !v.empty()) {
      std::string text;
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (i > 0) text += ',';
        text += std::to_string(count(v[i], fmt::format("{}[{}]", path, i), min, max));
      }
      return text;
    }
    fail(path, fmt::format("expected a count, a non-empty array of counts or a string like \"1,2,4-8\", got {}",
                           v.is_array() ? "an empty array" : type_name(v)));
  }

  // "2s" | number of seconds -> command-line text
  std::string duration(const json& v, std::string_view path) const {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number()) return fmt::format("{}s", number(v, path));
    fail(path, fmt::format("expected a duration like \"2s\" or a number of seconds, got {}", type_name(v)));
  }

  // "FILE: PATH", the prefix of this reader's messages.
  std::string where(std::string_view path) const { return fmt::format("{}: {}", file_, path); }

  static std::string join(std::string_view path, std::string_view key) {
    return path.empty() ? std::string(key) : fmt::format("{}.{}", path, key);
  }

 private:
  std::string file_;
};

// The command line's duration grammar (cli.cpp), its errors naming the file and key.
inline std::chrono::nanoseconds to_ns(const Reader& r, const json& v, std::string_view path) {
  return parse_duration(r.where(path), r.duration(v, path));
}

// One workload object at `path` ("workload" or "workloads[i]"); a label is
// required when the scenario has several (scenario_workload.cpp).
WorkloadParams parse_workload(const Reader& r, const json& v, const std::string& path, bool needs_label);

}  // namespace qb::scenario_detail
