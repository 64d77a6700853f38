#include "harness/sweep/sweep.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <stdexcept>

#include <fmt/format.h>

#include "harness/counters/totals.hpp"
#include "harness/measure/latency.hpp"
#include "harness/model/warnings.hpp"
#include "harness/registry/queue_table.hpp"
#include "harness/results/point_summary.hpp"
#include "harness/results/results_file.hpp"
#include "harness/results/stats.hpp"
#include "harness/run/isolation.hpp"
#include "harness/sweep/pingpong_point.hpp"
#include "harness/workloads/engine_support.hpp"

namespace qb {

std::string format_seconds(double s) {
  if (s < 60) return fmt::format("{:.0f}s", s);
  if (s < 3600) return fmt::format("{}m{:02}s", static_cast<int>(s) / 60, static_cast<int>(s) % 60);
  return fmt::format("{}h{:02}m", static_cast<int>(s) / 3600, static_cast<int>(s) % 3600 / 60);
}

namespace {

// One progress line on stderr, rewritten in place on a terminal. Elsewhere
// (logs, CI) a line is written only when the sweep has gone one point's
// worth of repetitions further, so a log holds at most one line a point
// however the repetitions are interleaved.
class ProgressLine {
 public:
  ProgressLine(int points, int reps) : total_(points * reps), reps_(std::max(reps, 1)), tty_(isatty(STDERR_FILENO) != 0) {}

  void before(const PointResult& point, int rep, int reps) {
    if (!tty_ && done_ % reps_ != 0) return;
    const double spent = std::chrono::duration<double>(Clock::now() - start_).count();
    std::string eta = "ETA --";
    if (done_ > 0) eta = "ETA " + format_seconds(spent / done_ * (total_ - done_));
    const auto line = fmt::format("qbench: [{}/{}] {} rep {}/{}  elapsed {}  {}", done_ + 1, total_,
                                  point.id, rep + 1, reps, format_seconds(spent), eta);
    if (tty_) {
      fmt::print(stderr, "\r\033[K{}", line);
    } else {
      fmt::print(stderr, "{}\n", line);
    }
    std::fflush(stderr);
  }
  void after() { ++done_; }
  void finish() {
    if (tty_) fmt::print(stderr, "\r\033[K");
  }

 private:
  using Clock = std::chrono::steady_clock;
  int total_;
  int reps_;
  int done_ = 0;
  bool tty_;
  Clock::time_point start_ = Clock::now();
};

}  // namespace

namespace {

// Why the queue cannot run this workload on items of `bytes`: a plugin need
// not take every size (its item_sizes), and the workloads move 8-byte items.
std::string payload_refusal(const QueueEntry& entry, WorkloadKind kind, int bytes) {
  if (entry.reference) return {};
  const bool runs = kind == WorkloadKind::throughput ? entry.runner(bytes) != nullptr
                    : kind == WorkloadKind::pingpong ? entry.pingpong != nullptr
                                                     : entry.run_workload != nullptr;
  if (runs) return {};
  return fmt::format("the queue takes no {}-byte items", kind == WorkloadKind::throughput ? bytes : 8);
}

// One workload at one wait, and the id prefix its points get.
struct Variant {
  WorkloadParams workload;
  WaitMode wait;
  std::string prefix;
};

// Every workload with every wait, workloads outer; a label or a wait joins
// the prefix only where there are several to tell apart.
std::vector<Variant> variants_of(const SweepRequest& request) {
  std::vector<WorkloadParams> workloads = request.workloads;
  if (workloads.empty()) workloads.push_back(request.base.workload);
  std::vector<WaitMode> waits = request.waits;
  if (waits.empty()) waits.push_back(request.base.wait);
  std::vector<Variant> out;
  for (const auto& workload : workloads) {
    std::string prefix = request.id_prefix;
    if (!workload.label.empty() && workloads.size() > 1) prefix += "." + workload.label;
    for (WaitMode wait : waits) {
      out.push_back({workload, wait, waits.size() > 1 ? fmt::format("{}.{}", prefix, to_string(wait)) : prefix});
    }
  }
  return out;
}

// Why the point cannot move --batch N items a call (N > 1): only plain
// throughput's window has bulk calls; a blocking call moves one item.
const char* batch_refusal(const QueueEntry& entry, WorkloadKind kind, const PointParams& params) {
  if (params.batch <= 1) return nullptr;
  if (entry.reference) return "--batch: a reference ceiling moves no items";
  if (kind != WorkloadKind::throughput) return "--batch: only throughput points move several items a call";
  if (params.wait == WaitMode::block) return "--batch: a blocking push or pop moves one item (--wait block)";
  return nullptr;
}

}  // namespace

SweepPlan plan_sweep(const SweepRequest& request) {
  SweepPlan plan{.points = {}, .repetitions = request.repetitions, .isolate = request.isolate};
  std::vector<PointResult>& points = plan.points;
  for (const Variant& variant : variants_of(request)) {
    // Named, not bound: clang 14's lambdas capture no structured binding.
    const WorkloadParams& workload = variant.workload;
    const WaitMode wait = variant.wait;
    const std::string& prefix = variant.prefix;
    for (const auto& name : request.queues) {
      const QueueEntry* entry = find_queue(name);
      auto make_point = [&](int p, int c, std::string id) {
        PointResult point;
        point.traits = entry->traits;
        point.reference = entry->reference;
        point.params = request.base;
        point.params.workload = workload;
        point.params.wait = wait;
        point.params.queue = name;
        point.params.producers = p;
        point.params.consumers = c;
        point.params.capacity = request.capacity.value_or(entry->default_capacity);
        if (request.items_per_producer > 0) point.params.items = request.items_per_producer * static_cast<std::uint64_t>(p);
        point.id = std::move(id);
        if (const char* why = unsupported_reason(entry->traits, p, c)) {
          point.status = PointStatus::skipped;
          point.skip_reason = why;
        } else if (const std::string why_not = payload_refusal(*entry, workload.kind, point.params.payload_bytes);
                   !why_not.empty()) {
          point.status = PointStatus::skipped;
          point.skip_reason = why_not;
        } else if (entry->reference && workload.kind != WorkloadKind::throughput) {
          point.status = PointStatus::skipped;
          point.skip_reason = "a reference ceiling runs throughput points only";
        } else if (point.params.wait == WaitMode::block && entry->reference) {
          point.status = PointStatus::skipped;
          point.skip_reason = "--wait block: a reference ceiling never waits";
        } else if (const char* why_single = batch_refusal(*entry, workload.kind, point.params)) {
          point.status = PointStatus::skipped;
          point.skip_reason = why_single;
        } else if (point.params.wait == WaitMode::block &&
                   (workload.kind == WorkloadKind::priority_lanes || workload.kind == WorkloadKind::give_up)) {
          // Lanes poll three queues in turn, and give_up counts failed
          // try_push calls: neither has one blocking call to make.
          point.status = PointStatus::skipped;
          point.skip_reason = "--wait block: priority_lanes and give_up need try_push/try_pop";
        }
        return point;
      };
      if (workload.kind == WorkloadKind::pingpong) {  // one point per core pair
        if (entry->reference) continue;
        for (const auto& pair : workload.pairs) {
          PointResult point = make_point(1, 1, fmt::format("{}/{}/{}", prefix, name, pair));
          point.params.workload.pairs = {pair};
          points.push_back(std::move(point));
        }
        continue;
      }
      auto add = [&](int p, int c) { points.push_back(make_point(p, c, fmt::format("{}/{}/p{}c{}", prefix, name, p, c))); };
      if (!request.shapes.empty()) {
        for (const auto& [p, c] : request.shapes) add(p, c);
      } else {
        for (int p : request.producers) {
          for (int c : request.consumers) add(p, c);
        }
      }
    }
  }
  return plan;
}

SweepOutcome run_sweep(SweepPlan plan, const Topology& topology, const Clock& clock, ResultsJournal& journal) {
  SweepOutcome outcome;
  outcome.points = std::move(plan.points);
  const int repetitions = plan.repetitions;
  int runnable = 0;
  for (const auto& p : outcome.points) runnable += p.status == PointStatus::skipped ? 0 : 1;
  ProgressLine progress(runnable, repetitions);
  install_interrupt_handler();

  for (int rep = 0; rep < repetitions && !outcome.interrupted; ++rep) {
    for (std::size_t index = 0; index < outcome.points.size(); ++index) {
      PointResult& point = outcome.points[index];
      if (point.status == PointStatus::skipped) continue;
      if (point.params.workload.kind == WorkloadKind::pingpong) {  // one run, however many repetitions
        if (rep > 0) continue;
        progress.before(point, 0, 1);
        if (!run_pingpong_point(point, topology, clock)) outcome.interrupted = true;
        if (!outcome.interrupted) journal.add_point(index, point);
        for (int r = 0; r < repetitions; ++r) progress.after();
        if (outcome.interrupted) break;
        continue;
      }
      const PointParams& params = point.params;
      const int threads = params.producers + params.consumers;
      const auto cpus = topology.cpu_map(params.placement, threads);
      const QueueEntry* entry = find_queue(params.queue);
      const RepetitionFn run = params.workload.kind == WorkloadKind::throughput
                                   ? entry->runner(params.payload_bytes)
                                   : entry->run_workload;
      // plan_sweep skipped every point a queue has no runner for.
      if (run == nullptr) throw std::logic_error(fmt::format("{}: planned without a runner", point.id));
      progress.before(point, rep, repetitions);
      // Where the record is made (the child, or the parent for a child that
      // failed before its runner could say), it is stamped the same way.
      const auto stamp = [&](RepResult& result) {
        result.repetition = rep;
        result.cpu_map = cpus;
        result.oversubscribed = threads > topology.cpu_count();
      };
      const auto body = [&] {
        RepResult result = run(params, cpus, clock);
        stamp(result);
        return result;
      };
      RepRecord record = plan.isolate ? run_isolated_record(body, params.timeout) : RepRecord{body(), {}};
      progress.after();
      if (record.rep.status == RepStatus::interrupted) {
        outcome.interrupted = true;
        break;
      }
      if (record.json.empty()) stamp(record.rep);
      journal.add_repetition(index, record);
      point.repetitions.push_back(std::move(record.rep));
    }
  }
  progress.finish();
  return outcome;
}

}  // namespace qb
