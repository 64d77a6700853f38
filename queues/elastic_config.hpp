// ElasticConfig: the capacity policy shared by the elastic queues
// (mpsc_elastic, elastic_locked): where capacity starts, the range it stays
// in, and when it grows and shrinks. Each queue validates it on construction
// and names itself in the message.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <string_view>

namespace qb {

struct ElasticConfig {
  std::size_t initial_capacity = 1024;
  std::size_t min_capacity = 1024;
  std::size_t max_capacity = 65536;
  double growth_factor = 2.0;     // > 1
  double shrink_threshold = 0.25;  // in (0, 1): shrink when occupancy < this x capacity

  // Throws std::invalid_argument naming the queue, the first bad field and
  // its value: "elastic_locked config: growth_factor must be > 1 (got 1)".
  void validate(std::string_view queue_name) const {
    auto fail = [&](const std::string& what) {
      throw std::invalid_argument(std::string(queue_name) + " config: " + what);
    };
    auto g = [](double v) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%g", v);
      return std::string(buf);
    };
    if (initial_capacity == 0) fail("initial_capacity must be > 0 (got 0)");
    if (min_capacity == 0) fail("min_capacity must be > 0 (got 0)");
    if (max_capacity == 0) fail("max_capacity must be > 0 (got 0)");
    if (!(min_capacity <= initial_capacity && initial_capacity <= max_capacity)) {
      fail("need min_capacity <= initial_capacity <= max_capacity (got " +
           std::to_string(min_capacity) + " <= " + std::to_string(initial_capacity) + " <= " +
           std::to_string(max_capacity) + ")");
    }
    if (!(growth_factor > 1.0)) fail("growth_factor must be > 1 (got " + g(growth_factor) + ")");
    if (!(shrink_threshold > 0.0 && shrink_threshold < 1.0)) {
      fail("shrink_threshold must be in (0, 1) (got " + g(shrink_threshold) + ")");
    }
  }

  // The config behind an elastic queue's `Q(capacity)`: capacity is the
  // maximum, and the queue starts at (and may shrink back to) 1/64 of it, at
  // most 1024. Capacity 0 selects the defaults above.
  static ElasticConfig for_capacity(std::size_t capacity) {
    if (capacity == 0) return {};
    const std::size_t low = std::clamp<std::size_t>(capacity / 64, 1, 1024);
    return {.initial_capacity = low, .min_capacity = low, .max_capacity = capacity};
  }
};

}  // namespace qb
