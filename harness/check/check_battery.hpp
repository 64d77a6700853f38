// `qbench check`: the correctness battery, for any queue the table holds
// (ours, a peer's, a user's header, a plugin's), so that a queue author
// validates a queue without ctest. Each run (check_runs.hpp) goes to a child
// process with a timeout, so a crash or a hang fails the check, not qbench.
//
// The runs, for every item size the queue takes: the empty/full semantics on
// one thread at the queue's smallest capacity and at its default; then
// delivery runs at every shape its traits allow from 1x1 to 4x4 (more threads
// than this machine's CPUs included) at the default capacity, and at 1x1 and
// the largest shape at the smallest capacity, where slots are reused most.
// The battery stops at the first failing run, so a broken queue is named in
// seconds; the checks that run had not reached say so.
#pragma once

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "harness/check/check_runs.hpp"
#include "harness/registry/queue_table.hpp"

namespace qb::check {

struct Options {
  std::uint64_t items = 20000;                  // per delivery run
  std::chrono::milliseconds run_timeout{5000};  // a run past it has hung
  int max_threads = 4;                          // shapes up to max x max
};

enum class Verdict { pass, fail, not_reached, not_applicable };
const char* to_string(Verdict v);

struct CheckLine {
  Category category;
  Verdict verdict = Verdict::pass;
  std::string detail;  // the first diagnostic on a failure; what was covered on a pass
};

struct QueueReport {
  std::string queue;
  std::string origin;
  std::string summary;           // traits, sizes, capacities
  bool pass = true;
  std::vector<CheckLine> checks;  // one per Category, in kCategories' order
  int runs = 0;                   // runs made
  int planned = 0;
  double seconds = 0;
};

// The smallest capacity the queue accepts (1, 2, 3, ..., then powers of two),
// or its default when it takes none.
std::size_t smallest_capacity(const QueueEntry& entry);

// The battery's runs for `entry`, in the order they are made.
std::vector<RunSpec> plan_runs(const QueueEntry& entry, const Options& options);

// Thrown by check_queue when SIGINT, SIGTERM or SIGHUP stops a run.
struct Interrupted : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Runs the battery.
QueueReport check_queue(const QueueEntry& entry, const Options& options);

nlohmann::json to_json(const QueueReport& report);

}  // namespace qb::check
