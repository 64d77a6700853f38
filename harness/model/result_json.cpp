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
//                             block: the queue's blocking push/pop, 5 ms at a time)
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
// This file: the JSON conversions of the records in run_types.hpp. The
// document around them and the write of --out are in results_document.cpp.
#include "harness/model/result_json.hpp"

#include <limits>
#include <stdexcept>

#include <fmt/format.h>

#include "harness/model/options.hpp"

namespace qb {

using nlohmann::json;

namespace {

// from_json reads with these: a missing key throws (nlohmann's out_of_range).
template <class T>
void read_key(const json& j, const char* key, T& field) {
  j.at(key).get_to(field);
}

void read_key(const json& j, const char* key, double& field) {
  const json& v = j.at(key);  // null: the record held NaN or an infinity
  field = v.is_null() ? std::numeric_limits<double>::quiet_NaN() : v.get<double>();
}

// The enums below: `parse` maps the text to one, or nullopt; a value it does
// not know throws, naming the key, what the value should be and the value.
template <class Enum, class Parse>
void read_enum(const json& j, const char* key, Enum& field, Parse parse, const char* what) {
  const auto name = j.at(key).get<std::string>();
  const auto value = parse(name);
  if (!value) throw std::invalid_argument(fmt::format("{}: unknown {} '{}'", key, what, name));
  field = *value;
}

void read_key(const json& j, const char* key, RepStatus& field) {
  read_enum(j, key, field, parse_rep_status, "repetition status");
}

void read_keys(const json&) {}

// read_keys(j, "a", x.a, "b", x.b, ...)
template <class T, class... Rest>
void read_keys(const json& j, const char* key, T& field, Rest&... rest) {
  read_key(j, key, field);
  read_keys(j, rest...);
}

}  // namespace

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

json optional_number(const std::optional<double>& x) { return x ? json(*x) : json(nullptr); }

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
