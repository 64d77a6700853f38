// The readers that from_json (result_json.cpp, repetition_json.cpp) reads
// keys with: a missing key throws (nlohmann's out_of_range), a null double
// reads as NaN, an unknown enum name throws naming the key and the value.
#pragma once

#include <limits>
#include <stdexcept>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "harness/model/run_types.hpp"

namespace qb::detail {

using nlohmann::json;

// from_json reads with these: a missing key throws (nlohmann's out_of_range).
template <class T>
inline void read_key(const json& j, const char* key, T& field) {
  j.at(key).get_to(field);
}

inline void read_key(const json& j, const char* key, double& field) {
  const json& v = j.at(key);  // null: the record held NaN or an infinity
  field = v.is_null() ? std::numeric_limits<double>::quiet_NaN() : v.get<double>();
}

// The enums below: `parse` maps the text to one, or nullopt; a value it does
// not know throws, naming the key, what the value should be and the value.
template <class Enum, class Parse>
inline void read_enum(const json& j, const char* key, Enum& field, Parse parse, const char* what) {
  const auto name = j.at(key).get<std::string>();
  const auto value = parse(name);
  if (!value) throw std::invalid_argument(fmt::format("{}: unknown {} '{}'", key, what, name));
  field = *value;
}

inline void read_key(const json& j, const char* key, RepStatus& field) {
  read_enum(j, key, field, parse_rep_status, "repetition status");
}

inline void read_keys(const json&) {}

// read_keys(j, "a", x.a, "b", x.b, ...)
template <class T, class... Rest>
inline void read_keys(const json& j, const char* key, T& field, Rest&... rest) {
  read_key(j, key, field);
  read_keys(j, rest...);
}

}  // namespace qb::detail
