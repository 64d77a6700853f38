// Results JSON, schema_version 2: every key this file writes, with its type
// and unit. "int" is a JSON integer (counts are unsigned 64-bit); "number" may
// be fractional, and a non-finite one is written as null. Key order in the
// file is for people; readers must not rely on it. The file is compact JSON
// on one line (`jq .` indents it). `qbench run --out` and `qbench pingpong
// --out` write this one document; while a sweep runs, its repetitions are
// journaled to "<out>.journal" (results_file.hpp), read by qb report when
// the parent was killed before writing the file.
//
// histogram (in repetitions, and a pingpong run's round_trip): Histogram::to_json
//   (histogram.hpp): count int; min_ns, max_ns int | null (exact; null when count
//   is 0); mean_ns, stddev_ns number | null (ns); p50_ns, p90_ns, p99_ns, p99_9_ns,
//   p99_99_ns int | null (ns, null below 1/(1-p) samples); clamped_high int (values
//   over 60 s, counted as 60 s); sum_ns int; hdr string: the counts in HdrHistogram's
//   V2 compressed encoding, base64 (any HdrHistogram library decodes it; so does
//   scripts/qbhdr.py). A histogram summary (a run's merged latency) is the same
//   without sum_ns and hdr: merged counts are not stored, readers merge repetitions'.
//
// Top level:
//   schema_version  int       kSchemaVersion; a loader refuses one it does not know
//   generator       string    "qbench"
//   interrupted     bool      SIGINT, SIGTERM or SIGHUP stopped the sweep; runs keep what had finished
//   context         object    the machine and the build, from machine_context() (context.hpp):
//     host, cpu_model, clocksource, compiler, cxx_flags, build_type, sanitizer ("" for
//     none), git_sha string (the revision built; "-dirty" when tracked files differed);
//     cpus_online int; date_utc string ("2026-01-31T12:00:00Z");
//     command_line [string]; kernel {sysname, release, version, machine: string};
//     clock object (Clock::describe(): source, fallback_reason, tsc_ghz, read_cost_ns, ...);
//     cpu_flags_of_note {flag: bool} (constant_tsc, nonstop_tsc, invariant_tsc, ...);
//     libraries {name: version string}; topology {pus, cores, packages, numa_nodes int;
//     smt bool; pu_order_compact [int]; caches [{level int, type string, size_bytes
//     int (bytes), line_bytes int (bytes), shared_by_pus int, count int}]};
//     counters object, when counters were selected (counter_availability(),
//     counters_totals.hpp): selection string, probe string, events {name: {status,
//     reason, errno string | null, source; for a native PMU event libpfm4 encoded,
//     also encoded_as string and perf_event_attr {type int, config, config1, config2:
//     hex string}}}: what each event gave when probed at start. Runs and
//     repetitions leave out what it says (below).
//     load_average {start, end: {1m, 5m, 15m: number (runnable tasks)} | null}
//     (machine_state.hpp: end includes the sweep's own threads); frequency_scaling
//     {exposed bool; when exposed: governors [string], boost bool | null, scaling bool
//     (a governor other than performance, or boost on)}; merged_from [{path,
//     date_utc, command_line, git_sha, scenario, journal}] in a file qb merge made.
//   scenario        object    present when the run came from a scenario file: name,
//                             description (its formula), source, file: string
//   notes           [string]  one line per skipped point, for people
//   runs            [run]     one per point, skipped ones included, in sweep order
//
// run:
//   id              string    "<scenario>/<queue>/p<P>c<C>", e.g. "run/sequence_ring/p4c4"
//   status          string    "ok" | "invalid" (a repetition lost, duplicated or misordered
//                             an item) | "failed" (one crashed, timed out or threw) |
//                             "skipped" (the queue cannot run the point) | "not_run"
//                             (the sweep was interrupted first)
//   skip_reason     string    why it was skipped or not run; "" otherwise
//   traits          object    as queues/queue.hpp declares them: name string; bounded bool;
//                             producers, consumers "one" | "many"; progress "blocking" |
//                             "slot_blocking" | "lock_free" | "wait_free"; order "fifo" |
//                             "per_producer_fifo" | "none"; capacity_required bool
//   reference       bool      true for a reference ceiling (faa_ceiling, cas_ceiling): a
//                             limit of the machine measured like a queue, never ranked as one
//   params          object    queue string; producers, consumers int; capacity int (0: the
//                             queue's default); payload_bytes int (bytes); items int (> 0:
//                             a fixed-count run of that many items in all; 0: duration
//                             mode); duration_ns int (ns, the window in duration mode);
//                             warmup_ns int (ns); placement "none" | "compact" | "scatter";
//                             seed int; timeout_ns int (ns; a longer repetition fails);
//                             latency "off" | "e2e" | "ops" | "all"; op_sample_period int;
//                             latency_sample_period int (e2e: 1 in N items sampled);
//                             payload_check "all" | "off" (bytes past the tag checked);
//                             counters string (the counter selection); wait "spin" | "pause" | "backoff" |
//                             "block" (spin: pause or backoff by placement, harness/run/wait.hpp;
//                             block: the queue's blocking push/pop, 5 ms at a time);
//                             batch int (items per push and pop call in the window; absent
//                             from older files: 1)
//                             elastic object, when the point set an elastic config:
//                             initial_capacity, min_capacity, max_capacity int;
//                             growth_factor, shrink_threshold number
//   workload        object    kind string ("throughput" | "paced" | "admission" |
//                             "priority_lanes" | "give_up" | "burst" | "pingpong"); label
//                             string (variants); and the kind's parameters, as in
//                             model/workload.cpp: rate_per_s (items/s), consumer_work_ns,
//                             sample_interval_ns, soft_capacity, backpressure_threshold,
//                             policy, fair_k, lanes [{name, soft_capacity, weight}],
//                             give_up_after, burst_items, idle_ns, round_trips, warmup_trips,
//                             pairs
//   workload_metrics object   absent for throughput: the medians over valid repetitions of
//                             the repetitions' numbers (below), flags true if true in any,
//                             lanes' latency merged; series only in repetitions; but saturated
//                             is the median achieved rate under 99% of the target (a point that
//                             reached it is not saturated for one short repetition), and
//                             saturated_repetitions int counts the repetitions that were
//   pingpong        object    pingpong points: pair, cpus, round_trips, warmup_round_trips,
//                             status, failure, round_trip (histogram, ns), one_way_estimate_ns,
//                             mismatches, valid
//   aggregate       object | null   null unless every repetition is "ok": samples int;
//                             median_items_per_s, min_items_per_s, max_items_per_s,
//                             mean_items_per_s, stddev_items_per_s number (items/s; the
//                             sample stddev, n - 1); cv number (stddev / mean: 0.05 is 5%);
//                             median_ns_per_item number (ns, 1e9 / median);
//                             median_cpu_ns_per_item number | null (CPU ns / item) and
//                             median_items_per_cpu_s number | null (items per CPU second),
//                             each the median of the repetitions' cpu figures; null when a
//                             repetition did not measure its CPU time
//   warnings        [string]  e.g. "noisy: coefficient of variation 7.2% > 5%"; a repetition's
//                             warnings come again here, each opening "rep N: " (N from 1)
//   warning_details [object]  the same warnings, in the same order, as kind and figures
//                             (model/warnings.hpp); what qbench reads back, never the
//                             sentences: kind "unbalanced" (pushed, popped, counted int) |
//                             "starved" (role string, thread int, items int, fair_share
//                             number: items) | "sequence_limit" (role, thread) | "reference"
//                             (op "faa" | "cas") | "noisy" (cv_percent number: %) |
//                             "oversubscribed" | "saturated"; repetition int (0-based) on
//                             a repetition's warning lifted onto its run
//   latency         object    merged over valid repetitions (latency.cpp): mode string;
//                             e2e / push / push_failed / pop / pop_failed histogram
//                             summaries (ns); e2e.negative_clamped int; note string;
//                             op_sample_period int and op_sample {gaps, generator}
//                             strings (ops and all: how the timed calls were drawn);
//                             repetitions_merged int;
//                             e2e.sample {period, effective_period (after thinning),
//                             thinned (halvings), sampled (items in the sample),
//                             unmatched (received sampled items whose send was not noted:
//                             sent before noting began)}
//   counters        object    counters_json() over valid repetitions (counters_totals.hpp):
//                             selection, events {name: {status, reason, value, ...}}, per_item;
//                             per_item_native {name: number | null} when native events were named;
//                             summed_over {repetitions, items int}: an event's value, raw,
//                             time_enabled_ns, time_running_ns, by_role and its counts threads
//                             and threads_counted are SUMS over those repetitions' worker threads
//                             ("threads": 12 at p2c2 over 3 repetitions), and per_item is that
//                             sum over the items summed; an event that fared as context.counters
//                             says keeps only status, threads and threads_counted
//   repetitions     [rep]     in the order they ran; [] when skipped or not run, and
//                             fewer than asked for when the sweep was interrupted
//
// rep, rep.workload_metrics and thread: at the top of repetition_json.cpp.
//
// This file: the JSON conversions of the records in run_types.hpp but a
// repetition's (repetition_json.cpp). The
// document around them and the write of --out are in results_document.cpp.
#include "harness/model/result_json.hpp"

#include <limits>
#include <stdexcept>

#include <fmt/format.h>

#include "harness/model/json_read.hpp"
#include "harness/model/options.hpp"

namespace qb {

using nlohmann::json;
using detail::read_keys;

// The params are the option table's (options.hpp): one key per option that
// a point holds, then the elastic config.
void to_json(json& j, const PointParams& p) {
  j = json::object();
  for (const Option& o : options()) {
    if (!o.param.empty()) j[std::string(o.param)] = option_param(p, o);
  }
  if (p.elastic.set) {
    j["elastic"] = {{"initial_capacity", p.elastic.initial_capacity}, {"min_capacity", p.elastic.min_capacity},
                    {"max_capacity", p.elastic.max_capacity}, {"growth_factor", p.elastic.growth_factor},
                    {"shrink_threshold", p.elastic.shrink_threshold}};
  }
}

void from_json(const json& j, PointParams& p) {
  for (const Option& o : options()) {
    if (!o.param.empty()) read_option_param(j, o, p);
  }
  p.elastic = ElasticParams{};
  if (j.contains("elastic")) {
    const json& e = j.at("elastic");
    p.elastic.set = true;
    read_keys(e, "initial_capacity", p.elastic.initial_capacity, "min_capacity", p.elastic.min_capacity,
              "max_capacity", p.elastic.max_capacity, "growth_factor", p.elastic.growth_factor,
              "shrink_threshold", p.elastic.shrink_threshold);
  }
}

namespace {

// A missing figure: null in the file.
json optional_number(const std::optional<double>& x) { return x ? json(*x) : json(nullptr); }

}  // namespace

void to_json(json& j, const Aggregate& a) {
  j = json{{"samples", a.samples}, {"median_items_per_s", a.median},
           {"min_items_per_s", a.min}, {"max_items_per_s", a.max},
           {"mean_items_per_s", a.mean}, {"stddev_items_per_s", a.stddev}, {"cv", a.cv},
           {"median_ns_per_item", a.median_ns_per_item},
           {"median_cpu_ns_per_item", optional_number(a.median_cpu_ns_per_item)},
           {"median_items_per_cpu_s", optional_number(a.median_items_per_cpu_s)}};
}

void to_json(json& j, const QueueTraits& t) {
  j = json{{"name", t.name}, {"bounded", t.bounded}, {"producers", to_string(t.producers)},
           {"consumers", to_string(t.consumers)}, {"progress", to_string(t.progress)},
           {"order", to_string(t.order)}, {"capacity_required", t.capacity_required}};
}

void to_json(json& j, const PointResult& p) {
  j = json{{"id", p.id}, {"status", to_string(p.status)}, {"skip_reason", p.skip_reason},
           {"traits", p.traits}, {"reference", p.reference}, {"params", p.params},
           {"aggregate", p.aggregate ? json(*p.aggregate) : json(nullptr)},
           {"warnings", warning_sentences_json(p.warnings)}, {"warning_details", warning_details_json(p.warnings)},
           {"latency", p.latency}, {"counters", p.counters},
           {"workload", workload_json(p.params.workload)}, {"repetitions", p.repetitions}};
  if (!p.workload_metrics.is_null()) j["workload_metrics"] = p.workload_metrics;
  if (!p.pingpong.is_null()) j["pingpong"] = p.pingpong;
}

}  // namespace qb
