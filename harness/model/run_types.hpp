// Plain records that flow one way through the harness: a sweep becomes
// PointParams; each repetition of a point (run in its own child process)
// yields a RepResult; the repetitions of a point become a PointResult; the
// results become JSON. Nothing here knows how it is produced or printed.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/counters/counters.hpp"
#include "harness/machine/placement.hpp"
#include "harness/measure/latency.hpp"
#include "harness/measure/latency_sample.hpp"
#include "harness/model/batch_kind.hpp"
#include "harness/model/option_ids.hpp"
#include "harness/model/wait_mode.hpp"
#include "harness/model/warnings.hpp"
#include "harness/model/workload.hpp"
#include "queues/queue.hpp"

namespace qb {

// --payload-check: all: every item's bytes past the tag checked; off: none
// (to measure what the check costs).
enum class PayloadCheck { all, off };

inline constexpr std::array kPayloadChecks{PayloadCheck::all, PayloadCheck::off};

constexpr std::string_view to_string(PayloadCheck c) {
  switch (c) {
    case PayloadCheck::all: return "all";
    case PayloadCheck::off: return "off";
  }
  return "?";
}

constexpr std::optional<PayloadCheck> parse_payload_check(std::string_view text) {
  for (auto c : kPayloadChecks) {
    if (text == to_string(c)) return c;
  }
  return std::nullopt;
}

// An elastic queue's config (queues/elastic_config.hpp's ElasticConfig), for
// the queues that take one; `set` false: each queue's default from capacity.
struct ElasticParams {
  bool set = false;
  std::size_t initial_capacity = 1024;
  std::size_t min_capacity = 1024;
  std::size_t max_capacity = 65536;
  double growth_factor = 2.0;
  double shrink_threshold = 0.25;
};

// One point of a sweep: a queue and a thread shape, with everything that
// decides what the run does. The options' defaults are the option table's
// (model/options.hpp), the command line's: what a user sees is what a test gets.
struct PointParams {
  std::string queue;
  int producers = option_default<int>(Opt::producers);
  int consumers = option_default<int>(Opt::consumers);
  std::size_t capacity = option_default<std::size_t>(Opt::capacity);  // 0: the queue's default (bounded queues get one in the CLI)
  int payload_bytes = option_default<int>(Opt::payload_bytes);        // 8, 64 or 256
  std::uint64_t items = option_default<std::uint64_t>(Opt::items);    // > 0: fixed-count run of this many items in total
  std::chrono::nanoseconds duration = option_default<std::chrono::nanoseconds>(Opt::duration);  // used when items == 0
  std::chrono::nanoseconds warmup = option_default<std::chrono::nanoseconds>(Opt::warmup);
  Placement placement = option_default<Placement>(Opt::placement);
  std::uint64_t seed = option_default<std::uint64_t>(Opt::seed);
  std::chrono::nanoseconds timeout = option_default<std::chrono::nanoseconds>(Opt::timeout);  // auto: auto_timeout()
  LatencyMode latency = option_default<LatencyMode>(Opt::latency);  // off, e2e, ops or all (harness/measure/latency.hpp)
  std::uint64_t latency_sample_period = option_default<std::uint64_t>(Opt::latency_sample_period);  // e2e: 1 in N items sampled
  PayloadCheck payload_check = option_default<PayloadCheck>(Opt::payload_check);
  std::uint32_t op_sample_period = option_default<std::uint32_t>(Opt::op_sample_period);  // ops: time one try_push / try_pop in this many
  CounterSelection counters = option_default<CounterSelection>(Opt::counters);  // default, none or a list (harness/counters/counters.hpp)
  WaitMode wait = option_default<WaitMode>(Opt::wait);  // spin: try_*, waiting by placement (harness/run/wait.hpp); pause or
                                      // backoff: that policy always; block: the queue's push/pop with a timeout,
                                      // or the harness's (harness/run/harness_block.hpp)
  std::uint32_t block_spin = option_default<std::uint32_t>(Opt::block_spin);  // harness block: failed tries before sleeping
  std::uint32_t batch = option_default<std::uint32_t>(Opt::batch);  // items per push and pop call in the window
  ElasticParams elastic;
  WorkloadParams workload;            // throughput unless a scenario says otherwise
};

// One worker thread of one repetition.
struct ThreadStats {
  std::string role;               // "producer" or "consumer"
  int index = 0;
  int cpu = -1;                   // -1: not pinned
  std::uint64_t items = 0;        // pushed or popped inside the measured window
  std::uint64_t failed_ops = 0;   // try_push found it full / try_pop found it empty, in the window
  bool starved = false;           // under 10% of its fair share of items
};

struct Validation {
  bool order_checked = false;     // the traits promise per-producer order, so it was checked
  std::uint64_t pushed = 0;       // every item pushed, warm-up and drain included
  std::uint64_t popped = 0;
  std::uint64_t lost = 0;         // pushed, never popped
  std::uint64_t duplicated = 0;   // popped more than once
  std::uint64_t misordered = 0;   // a producer's item popped after a later one by the same consumer
  std::uint64_t unexpected = 0;   // a (producer, sequence) that was never pushed
  std::uint64_t corrupted = 0;    // popped with a byte past the tag not what its producer wrote
  bool valid() const { return lost == 0 && duplicated == 0 && misordered == 0 && unexpected == 0 && corrupted == 0; }
};

// The CPU time one role's worker threads spent inside their windows, summed
// over the threads (harness/measure/thread_cpu.hpp), with their context
// switches.
struct RoleCpu {
  int threads = 0;
  std::uint64_t cpu_ns = 0;                // ns of CPU, user and system
  std::uint64_t voluntary_switches = 0;    // the threads blocked or yielded
  std::uint64_t involuntary_switches = 0;  // the scheduler took their CPU away
};

// What moving the window's items cost in CPU. `measured` is false when some
// thread could not read its clocks; the per-item figures are then 0, as they
// are for a repetition that is not "ok".
struct CpuCost {
  bool measured = false;
  RoleCpu producers, consumers;
  double cpu_ns_per_item = 0;   // both roles' CPU ns / items
  double items_per_cpu_s = 0;   // items / both roles' CPU seconds
};

// How a repetition ended. interrupted: SIGINT, SIGTERM or SIGHUP stopped its
// child (harness/run/isolation.hpp); the sweep then stops and does not keep it.
enum class RepStatus { ok, invalid, failed, interrupted };

constexpr std::string_view to_string(RepStatus s) {
  switch (s) {
    case RepStatus::ok: return "ok";
    case RepStatus::invalid: return "invalid";
    case RepStatus::failed: return "failed";
    case RepStatus::interrupted: return "interrupted";
  }
  return "?";
}

constexpr std::optional<RepStatus> parse_rep_status(std::string_view text) {
  for (auto s : {RepStatus::ok, RepStatus::invalid, RepStatus::failed, RepStatus::interrupted}) {
    if (text == to_string(s)) return s;
  }
  return std::nullopt;
}

// One repetition of one point.
struct RepResult {
  int repetition = 0;
  RepStatus status = RepStatus::ok;  // ok, invalid, failed (interrupted only on its way to the sweep)
  std::string failure;             // why, when status is failed (signal, timeout, exception)
  double elapsed_s = 0;            // first thread's window start to last thread's window stop
  std::uint64_t items = 0;         // items popped inside the window
  double items_per_s = 0;          // reported only when status is ok
  double ns_per_item = 0;
  std::vector<ThreadStats> threads;
  Validation validation;
  std::vector<int> cpu_map;        // cpu of each thread: producers first, then consumers
  bool oversubscribed = false;     // more worker threads than CPUs available
  long peak_rss_kib = 0;           // of the child process that ran it
  std::vector<Warning> warnings;    // written as sentences at the edge (warning_text)
  int item_bytes = 0;              // sizeof the item moved: the payload size, nothing added
  WaitPolicy wait_policy = WaitPolicy::backoff;  // how the threads waited (harness/model/wait_mode.hpp)
  BlockKind block_kind = BlockKind::none;        // block: whose blocking calls (native or harness)
  BatchKind batch_kind = BatchKind::none;        // --batch > 1: the queue's bulk calls (native) or a loop (looped)
  // --batch > 1, in the window: bulk calls that moved some of the items
  // asked for but not all (the rest went in a later call), each side.
  std::uint64_t partial_pushes = 0, partial_pops = 0;
  bool payload_checked = false;    // every item's bytes past the tag were checked
  // Producers outran consumers inside the window (pushed > 1.1 x popped): the
  // closed-loop latency then measures queueing. Null when balanced.
  std::optional<double> backlog_ratio;  // pushed / popped in the window
  CpuCost cpu;                     // the workers' CPU time in the window
  nlohmann::json latency;          // latency_json(): histograms included, merged by the parent
  nlohmann::json counters;         // {"selection", "readings": [{"role", "reading"}...], "per_item"}
  nlohmann::json workload_metrics; // the workload's own figures (workloads/engine_support.hpp); null for throughput
};

struct Aggregate {
  int samples = 0;                 // repetitions with status ok
  double median = 0, min = 0, max = 0, mean = 0, stddev = 0, cv = 0;  // items/s
  double median_ns_per_item = 0;
  // Medians of the repetitions' CpuCost figures; absent when some "ok"
  // repetition did not measure its CPU time.
  std::optional<double> median_cpu_ns_per_item, median_items_per_cpu_s;
};

// How a point ended. not_run: the sweep was interrupted first; planned: the
// results journal's header (results_file.hpp), for a point not yet run.
enum class PointStatus { ok, invalid, failed, skipped, not_run, planned };

constexpr std::string_view to_string(PointStatus s) {
  switch (s) {
    case PointStatus::ok: return "ok";
    case PointStatus::invalid: return "invalid";
    case PointStatus::failed: return "failed";
    case PointStatus::skipped: return "skipped";
    case PointStatus::not_run: return "not_run";
    case PointStatus::planned: return "planned";
  }
  return "?";
}

constexpr std::optional<PointStatus> parse_point_status(std::string_view text) {
  for (auto s : {PointStatus::ok, PointStatus::invalid, PointStatus::failed, PointStatus::skipped,
                 PointStatus::not_run, PointStatus::planned}) {
    if (text == to_string(s)) return s;
  }
  return std::nullopt;
}

struct PointResult {
  PointParams params;
  QueueTraits traits{};
  bool reference = false;          // a ceiling (faa_ceiling, cas_ceiling), not a queue
  std::string id;                  // "run/sequence_ring/p4c4"
  PointStatus status = PointStatus::ok;
  std::string skip_reason;
  std::vector<RepResult> repetitions;
  std::optional<Aggregate> aggregate;  // absent unless every repetition is ok
  std::vector<Warning> warnings;       // its own, and its repetitions' with .repetition set
  nlohmann::json latency;              // merged over the valid repetitions (merge_latency)
  nlohmann::json counters;             // totals over the valid repetitions (counters_json)
  nlohmann::json workload_metrics;     // medians over the valid repetitions; null for throughput
  nlohmann::json pingpong;             // pingpong workload: the round-trip result
};

}  // namespace qb
