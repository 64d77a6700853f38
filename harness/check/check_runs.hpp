// The runs of `qbench check` (check_battery.hpp), each on a queue behind
// ErasedQueueOps, in a child process of its own: single-thread empty/full
// semantics, and a threaded delivery run that records every popped item so
// that a fault is named exactly (which producer, which sequence numbers,
// which bytes). Nothing is timed: these runs judge, they do not measure.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "harness/registry/erased_queue.hpp"
#include "queues/queue.hpp"

namespace qb::check {

// What a check reports on; each run adds findings to some of them.
enum class Category { empty_full, exactly_once, order, payload, liveness };
inline constexpr Category kCategories[] = {Category::empty_full, Category::exactly_once, Category::order,
                                           Category::payload, Category::liveness};
const char* to_string(Category c);

struct Finding {
  Category category;
  std::string detail;  // one line: what went wrong, first instance first
};

struct RunSpec {
  std::string label;             // "2x2, 64 B, capacity 1024"
  bool threaded = true;          // false: single-thread empty/full semantics
  int producers = 1;
  int consumers = 1;
  int item_bytes = 8;
  std::size_t capacity = 0;
  std::uint64_t items = 20000;   // threaded runs: items in total
  bool check_order = true;       // the traits promise per-producer order
  bool bounded = false;
  std::chrono::milliseconds stall_grace{500};  // no pop for this long once producers are done: the rest is lost
};

struct RunOutcome {
  std::vector<Finding> findings;  // empty: passed
  std::string note;               // what it showed when it passed ("held 1024")
};

// Runs `spec` here, in this process (the battery calls it in a child).
RunOutcome run_spec(const ErasedQueueOps& ops, const RunSpec& spec);

nlohmann::json to_json(const RunOutcome& outcome);
RunOutcome outcome_from_json(const nlohmann::json& j);

}  // namespace qb::check
