// rep: repetition int (0-based, in the point); status "ok" | "invalid" | "failed";
//   failure string (why it failed: signal, timeout, exception; "" otherwise);
//   elapsed_s number (s, first thread's window start to last thread's stop);
//   items int (popped in the window; an item is one push and its pop);
//   items_per_s number (items/s) and ns_per_item number (ns), both 0 unless "ok";
//   threads [thread] (producers first); cpu_map [int] (each thread's CPU, producers
//   first; -1: not pinned); oversubscribed bool (more worker threads than CPUs);
//   peak_rss_kib int (KiB, peak resident set of the child process); warnings [string]
//   and warning_details [object] (as a run's, never with repetition);
//   item_bytes int (sizeof the item moved: the payload size); wait_policy "pause" |
//   "backoff" | "block" (how threads waited after a failed try: harness/run/wait.hpp);
//   block_kind "native" | "harness" (only with "block": the queue's own blocking calls, or
//   the harness's over try_*: harness/run/harness_block.hpp);
//   batch_kind "native" | "looped", partial_pushes, partial_pops int (only with params'
//   batch > 1: the queue's own bulk calls, or the harness's loop of try_push/try_pop;
//   bulk calls in the window that moved fewer items than asked but not none, whose
//   rest the next call moved: a call that moved none is a failed op, as before);
//   payload_checked bool (every item's bytes past the tag were checked); backlog null |
//   {pushed_per_popped number} (producers pushed over 1.1x what consumers popped
//   inside the window: its closed-loop latency measures queueing); cpu null (some
//   thread could not read its clocks) | {producers, consumers: {threads int;
//   cpu_ns int (ns of CPU, user and system, the role's threads summed, each
//   from CLOCK_THREAD_CPUTIME_ID read at its own window's edges);
//   voluntary_switches, involuntary_switches int (getrusage(RUSAGE_THREAD)
//   ru_nvcsw, ru_nivcsw over the same edges); cpus_busy number | null (cpu_ns
//   / elapsed_s: the CPUs the role kept busy, 1.0 for one thread that never
//   waited)}; cpu_ns_per_item number (CPU ns of both roles / items) and
//   items_per_cpu_s number (items / CPU seconds of both roles), both 0 unless
//   "ok"}; latency object (as above, each
//   a histogram with its hdr counts); counters {selection, readings [{role, reading: {events:
//   [EventReading, counters_events.cpp: keys that follow from the others left out]}}],
//   per_item, per_item_native} (an event that fared as context.counters says is left out
//   of a reading);
//   validation object: valid bool (nothing lost, duplicated, misordered or
//   unexpected); order_checked bool (the traits promise per-producer order, so it
//   was checked); pushed, popped int (every item, warm-up and drain included);
//   lost, duplicated, misordered, unexpected, corrupted int (items; corrupted: popped
//   with a byte past the tag other than its producer wrote)
//
// rep.workload_metrics (workloads/engine_support.cpp), by kind:
//   paced (and admission or lanes with a rate): target_rate_per_s, offered_rate_per_s,
//     achieved_rate_per_s number (items/s, each side over its own window); max_lag_ns
//     number (ns); saturated bool (achieved < 99% of target: model/saturation.hpp); rate_series {t_s [s],
//     target_per_s, achieved_per_s [items/s]}
//   admission: soft_capacity, rejections, attempted, max_depth int (items);
//     backpressure_threshold, backpressure_fraction number (fractions); depth_series
//     {t_s [s], depth [items]}
//   priority_lanes: policy string, fair_k int, lanes [{name, soft_capacity, weight,
//     offered, rejected, delivered (items, in the window), starved bool, latency
//     (histogram, ns; a run keeps the merged summary)}]
//   give_up: give_up_after, attempted, given_up, delivered int; success_rate number
//   burst: burst_items int, idle_ms number, capacity_series {t_s [s], capacity [items,
//     -1 when the queue has none], depth [items]}
//
// thread: role "producer" | "consumer"; index int; cpu int (-1: not pinned);
//   items int (pushed or popped in the window); failed_ops int (try_push found it
//   full or try_pop found it empty, in the window); starved bool (under 10% of its
//   fair share of items)
//
// This file: the JSON conversions of a repetition's record (run_types.hpp's
// RepResult, its threads, validation and CPU figures); the rest of the
// schema is at the top of result_json.cpp.
#include <cstdint>
#include <string>

#include "harness/model/json_read.hpp"
#include "harness/model/result_json.hpp"
#include "harness/model/warnings.hpp"

namespace qb {

using nlohmann::json;
using detail::read_keys;

void to_json(json& j, const ThreadStats& t) {
  j = json{{"role", t.role}, {"index", t.index}, {"cpu", t.cpu},
           {"items", t.items}, {"failed_ops", t.failed_ops}, {"starved", t.starved}};
}

void from_json(const json& j, ThreadStats& t) {
  read_keys(j, "role", t.role, "index", t.index, "cpu", t.cpu, "items", t.items,
            "failed_ops", t.failed_ops, "starved", t.starved);
}

void to_json(json& j, const Validation& v) {
  j = json{{"valid", v.valid()}, {"order_checked", v.order_checked}, {"pushed", v.pushed},
           {"popped", v.popped}, {"lost", v.lost}, {"duplicated", v.duplicated},
           {"misordered", v.misordered}, {"unexpected", v.unexpected}, {"corrupted", v.corrupted}};
}

void from_json(const json& j, Validation& v) {  // "valid" is derived, so not read
  read_keys(j, "order_checked", v.order_checked, "pushed", v.pushed, "popped", v.popped,
            "lost", v.lost, "duplicated", v.duplicated, "misordered", v.misordered,
            "unexpected", v.unexpected);
  v.corrupted = j.value("corrupted", std::uint64_t{0});
}

namespace {

// A role's figures, with its CPU per wall second (derived, not read back).
json role_cpu_json(const RoleCpu& role, double elapsed_s) {
  json j{{"threads", role.threads}, {"cpu_ns", role.cpu_ns}, {"voluntary_switches", role.voluntary_switches},
         {"involuntary_switches", role.involuntary_switches}};
  j["cpus_busy"] = elapsed_s > 0 ? json(static_cast<double>(role.cpu_ns) / 1e9 / elapsed_s) : json(nullptr);
  return j;
}

void read_role_cpu(const json& j, RoleCpu& role) {
  read_keys(j, "threads", role.threads, "cpu_ns", role.cpu_ns, "voluntary_switches", role.voluntary_switches,
            "involuntary_switches", role.involuntary_switches);
}

json cpu_json(const RepResult& r) {
  if (!r.cpu.measured) return nullptr;
  return json{{"producers", role_cpu_json(r.cpu.producers, r.elapsed_s)},
              {"consumers", role_cpu_json(r.cpu.consumers, r.elapsed_s)},
              {"cpu_ns_per_item", r.cpu.cpu_ns_per_item}, {"items_per_cpu_s", r.cpu.items_per_cpu_s}};
}

}  // namespace

void to_json(json& j, const RepResult& r) {
  j = json{{"repetition", r.repetition}, {"status", to_string(r.status)}, {"failure", r.failure},
           {"elapsed_s", r.elapsed_s}, {"items", r.items}, {"items_per_s", r.items_per_s},
           {"ns_per_item", r.ns_per_item}, {"threads", r.threads}, {"validation", r.validation},
           {"cpu_map", r.cpu_map}, {"oversubscribed", r.oversubscribed},
           {"peak_rss_kib", r.peak_rss_kib}, {"warnings", warning_sentences_json(r.warnings)},
           {"warning_details", warning_details_json(r.warnings)}, {"item_bytes", r.item_bytes},
           {"wait_policy", to_string(r.wait_policy)},
           {"payload_checked", r.payload_checked}, {"latency", r.latency}, {"counters", r.counters}};
  j["backlog"] = r.backlog_ratio ? json{{"pushed_per_popped", *r.backlog_ratio}} : json(nullptr);
  if (r.block_kind != BlockKind::none) j["block_kind"] = to_string(r.block_kind);
  if (r.batch_kind != BatchKind::none) {
    j["batch_kind"] = to_string(r.batch_kind);
    j["partial_pushes"] = r.partial_pushes;
    j["partial_pops"] = r.partial_pops;
  }
  j["cpu"] = cpu_json(r);
  if (!r.workload_metrics.is_null()) j["workload_metrics"] = r.workload_metrics;
}

void from_json(const json& j, RepResult& r) {
  read_keys(j, "repetition", r.repetition, "status", r.status, "failure", r.failure,
            "elapsed_s", r.elapsed_s, "items", r.items, "items_per_s", r.items_per_s,
            "ns_per_item", r.ns_per_item, "threads", r.threads, "validation", r.validation,
            "cpu_map", r.cpu_map, "oversubscribed", r.oversubscribed,
            "peak_rss_kib", r.peak_rss_kib, "item_bytes", r.item_bytes);
  // The kinds and figures, not the sentences: a reworded sentence reads back
  // the same. The sentences are only counted, so a file whose two arrays
  // disagree is refused rather than half believed.
  r.warnings = warnings_from_details(j.at("warning_details"));
  if (j.at("warnings").size() != r.warnings.size()) {
    throw std::invalid_argument(fmt::format("warnings: {} sentences but {} warning_details", j.at("warnings").size(),
                                            r.warnings.size()));
  }
  const std::string policy = j.value("wait_policy", std::string("backoff"));
  for (auto p : {WaitPolicy::pause, WaitPolicy::backoff, WaitPolicy::block}) {
    if (policy == to_string(p)) r.wait_policy = p;
  }
  const std::string kind = j.value("block_kind", std::string("none"));
  for (auto k : {BlockKind::none, BlockKind::native, BlockKind::harness}) {
    if (kind == to_string(k)) r.block_kind = k;
  }
  const std::string batch = j.value("batch_kind", std::string("none"));
  const auto batch_kind = parse_batch_kind(batch);
  if (!batch_kind) throw std::invalid_argument(fmt::format("batch_kind: unknown value '{}'", batch));
  r.batch_kind = *batch_kind;
  r.partial_pushes = j.value("partial_pushes", std::uint64_t{0});
  r.partial_pops = j.value("partial_pops", std::uint64_t{0});
  r.payload_checked = j.value("payload_checked", false);
  if (j.contains("backlog") && j.at("backlog").is_object()) {
    r.backlog_ratio = j.at("backlog").at("pushed_per_popped").get<double>();
  }
  r.cpu = CpuCost{};  // absent from files written before it, null when not measured
  if (j.contains("cpu") && j.at("cpu").is_object()) {
    const json& c = j.at("cpu");
    r.cpu.measured = true;
    read_role_cpu(c.at("producers"), r.cpu.producers);
    read_role_cpu(c.at("consumers"), r.cpu.consumers);
    read_keys(c, "cpu_ns_per_item", r.cpu.cpu_ns_per_item, "items_per_cpu_s", r.cpu.items_per_cpu_s);
  }
  r.latency = j.at("latency");
  r.counters = j.at("counters");
  r.workload_metrics = j.value("workload_metrics", nlohmann::json());
}

}  // namespace qb
