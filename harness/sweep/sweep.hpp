// A sweep: the points a request expands to, run with their repetitions
// interleaved (rep 1 of every point, then rep 2, ...) so that a slow drift of
// the machine spreads over all points instead of biasing one.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "harness/machine/topology.hpp"
#include "harness/measure/clock.hpp"
#include "harness/model/run_types.hpp"

namespace qb {

struct SweepRequest {
  std::vector<std::string> queues;   // registered names
  std::vector<int> producers;
  std::vector<int> consumers;
  // Non-empty: exactly these (producers, consumers) pairs, in this order,
  // instead of every producer count with every consumer count.
  std::vector<std::pair<int, int>> shapes;
  PointParams base;                  // queue, producers, consumers and capacity are set per point
  std::optional<std::size_t> capacity;
  int repetitions = option_default<int>(Opt::repetitions);
  bool isolate = true;               // fork a child per repetition
  std::string id_prefix = "run";
  // Workload variants run side by side (ids "<prefix>.<label>/..."); empty:
  // base.workload alone.
  std::vector<WorkloadParams> workloads;
  // > 0: fixed-count points of this many items per producer (items = this x P).
  std::uint64_t items_per_producer = 0;
};

struct SweepOutcome {
  std::vector<PointResult> points;
  bool interrupted = false;
};

// Every point of the request, in order; the ones the queue's traits rule out
// come back with status "skipped" and the reason.
std::vector<PointResult> plan_points(const SweepRequest& request);

// 75.4 -> "1m15s": the progress line's elapsed time and ETA, and the plan's
// estimate (plan_description.hpp).
std::string format_seconds(double s);

class ResultsJournal;

// Runs the plan; progress goes to stderr. Stops early, keeping every finished
// repetition, when SIGINT, SIGTERM or SIGHUP arrives (the outcome is then
// marked interrupted). With a journal (results_file.hpp), each repetition
// goes to it as it finishes and the points come back not yet finalized:
// journal->finish() does that from the repetitions in full. Without one,
// the points come back finalized.
SweepOutcome run_sweep(const SweepRequest& request, const Topology& topology, const Clock& clock,
                       ResultsJournal* journal = nullptr);

}  // namespace qb
