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
  // Several: every point once per wait (ids "<prefix>[.<label>].<wait>/...");
  // empty or one: base.wait alone, ids as without the list.
  std::vector<WaitMode> waits;
  // > 0: fixed-count points of this many items per producer (items = this x P).
  std::uint64_t items_per_producer = 0;
};

// A sweep planned once (plan_sweep), before anything runs: every point in
// run order, a skipped one with its reason, and the repetitions each runs.
// The plan's description, the journal, the runner and the console all read
// this one list, so a point is the same point by index everywhere.
struct SweepPlan {
  std::vector<PointResult> points;
  int repetitions = 5;
  bool isolate = true;
};

struct SweepOutcome {
  std::vector<PointResult> points;
  bool interrupted = false;
};

// Every point of the request, in order; the ones the queue's traits rule out
// (or whose payload size, workload or wait the queue cannot take) come back
// with status "skipped" and the reason, so nothing is refused later.
SweepPlan plan_sweep(const SweepRequest& request);

// 75.4 -> "1m15s": the progress line's elapsed time and ETA, and the plan's
// estimate (plan_description.hpp).
std::string format_seconds(double s);

class ResultsJournal;

// Runs the plan (taken whole: its points become the outcome's); progress goes
// to stderr. Stops early, keeping every finished repetition, when SIGINT,
// SIGTERM or SIGHUP arrives (the outcome is then marked interrupted). Each
// repetition goes to `journal` (results_file.hpp; on disk with --out, in
// memory without) as it finishes, and the points come back with light
// repetitions, not yet finalized: journal.finish() does that.
SweepOutcome run_sweep(SweepPlan plan, const Topology& topology, const Clock& clock, ResultsJournal& journal);

}  // namespace qb
