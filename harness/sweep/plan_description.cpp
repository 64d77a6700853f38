#include "harness/sweep/plan_description.hpp"

#include <algorithm>
#include <chrono>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "harness/counters/counters.hpp"
#include "harness/measure/latency.hpp"
#include "harness/model/numbers.hpp"
#include "harness/results/results_size.hpp"

namespace qb {

namespace {

// How many of the selected events this machine reads, probed as the results
// file's context does (counters_probe.cpp): their readings are most of a
// repetition's record where counters are on.
int readable_events(const CounterSelection& selection) {
  if (selection.empty()) return 0;
  ThreadCounters probe(selection);
  probe.start();
  probe.stop();
  const auto events = probe.read().events;
  return static_cast<int>(
      std::count_if(events.begin(), events.end(), [](const EventReading& r) { return r.status == CounterStatus::ok; }));
}

}  // namespace

std::string describe_plan(const SweepRequest& request, const SweepPlan& plan) {
  // What a repetition costs beyond its warm-up and window: the child process,
  // thread start-up, the drain and validation. About 20 ms on the 2-core
  // development VM for small points; rounded up for bigger machines' thread
  // counts and bitmaps.
  constexpr double kRepOverheadS = 0.05;
  const auto& points = plan.points;
  int timed = 0, counted = 0, pingpong = 0, skipped = 0;
  for (const auto& p : points) {
    if (p.status == PointStatus::skipped) {
      ++skipped;
    } else if (p.params.workload.kind == WorkloadKind::pingpong) {
      ++pingpong;
    } else if (p.params.items > 0) {
      ++counted;
    } else {
      ++timed;
    }
  }
  const auto seconds = [](std::chrono::nanoseconds d) { return std::chrono::duration<double>(d).count(); };
  const double rep_s = seconds(request.base.warmup) + seconds(request.base.duration) + kRepOverheadS;
  const int reps = plan.repetitions;
  const auto n = [](auto count, std::string_view noun) {
    return fmt::format("{} {}{}", count, noun, count == 1 ? "" : "s");
  };
  std::string text = fmt::format("plan: {}: {} to run, {} skipped by their traits; {} each\n", n(points.size(), "point"),
                                 points.size() - static_cast<std::size_t>(skipped), skipped,
                                 n(reps, "repetition"));
  if (timed > 0) {
    text += fmt::format("  {}: {} x ({:g} s warm-up + {:g} s window + ~{:g} s overhead) = {}\n",
                        n(timed, "timed point"), n(timed * reps, "repetition"), seconds(request.base.warmup),
                        seconds(request.base.duration), kRepOverheadS, format_seconds(timed * reps * rep_s));
  }
  if (counted > 0) {
    text += fmt::format("  {}: {} of {:g} s warm-up + however long the queue takes to move its items"
                        " (not estimated; --timeout bounds each)\n",
                        n(counted, "fixed-count point"), n(counted * reps, "repetition"), seconds(request.base.warmup));
  }
  if (pingpong > 0) {
    text += fmt::format("  {}: one run each, as long as their round trips take (not estimated)\n",
                        n(pingpong, "pingpong point"));
  }
  if (timed == 0) {
    text += "estimated time: not estimated (no timed point)\n";
  } else {
    text += fmt::format("estimated time: {}{}\n", format_seconds(timed * reps * rep_s),
                        counted + pingpong > 0 ? " plus the points not estimated" : "");
  }
  if (request.base.batch > 1) {
    text += fmt::format("batch: {} items a push and pop call in the window (the queue's bulk calls where it has "
                        "them, else a loop of try_push/try_pop)\n",
                        request.base.batch);
  }
  if (!points.empty()) {
    const auto& counters = request.base.counters;
    const int readable = readable_events(counters);
    const auto bytes = static_cast<double>(estimated_results_bytes(points, reps, readable));
    int runs = 0;  // repetitions that write a record: a pingpong point is one
    for (const auto& p : points) {
      if (p.status != PointStatus::skipped) runs += p.params.workload.kind == WorkloadKind::pingpong ? 1 : reps;
    }
    text += fmt::format("estimated results file: ~{} (about {} per repetition with --latency {}, {})\n",
                        format_bytes(bytes), format_bytes(bytes / std::max(runs, 1)),
                        to_string(request.base.latency),
                        counters.empty() ? std::string("no counters")
                                         : fmt::format("{} of {} counter events readable here", readable,
                                                       counters.size()));
  }
  text += "points:\n";
  for (const auto& p : points) {
    text += p.status == PointStatus::skipped ? fmt::format("  {}  (skipped: {})\n", p.id, p.skip_reason)
                                             : fmt::format("  {}\n", p.id);
  }
  return text;
}

std::string nothing_to_run(const SweepPlan& plan) {
  const auto& points = plan.points;
  if (points.empty()) return "nothing to run: the sweep has no points";
  // Each reason once, with its first point and how many more it skipped.
  std::vector<std::pair<std::string, std::vector<std::string>>> reasons;
  for (const auto& p : points) {
    if (p.status != PointStatus::skipped) return {};
    auto at = std::find_if(reasons.begin(), reasons.end(), [&](const auto& r) { return r.first == p.skip_reason; });
    if (at == reasons.end()) at = reasons.insert(reasons.end(), {p.skip_reason, {}});
    at->second.push_back(p.id);
  }
  std::string why;
  for (const auto& [reason, ids] : reasons) {
    why += fmt::format("{}{}: {}{}", why.empty() ? "" : "; ", reason, ids.front(),
                       ids.size() > 1 ? fmt::format(" and {} more", ids.size() - 1) : "");
  }
  return points.size() == 1 ? fmt::format("nothing to run: its one point was skipped ({})", why)
                            : fmt::format("nothing to run: all {} points were skipped ({})", points.size(), why);
}

}  // namespace qb
