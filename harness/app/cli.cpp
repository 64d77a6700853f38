#include "harness/app/cli.hpp"

#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "harness/counters/counters.hpp"
#include "harness/machine/version.hpp"
#include "harness/measure/latency.hpp"
#include "harness/plugins/plugin_loader.hpp"
#include "harness/registry/peer_catalog.hpp"
#include "harness/registry/queue_patterns.hpp"
#include "harness/registry/queue_table.hpp"
#include "harness/run/payload.hpp"

namespace qb {

namespace {

// A sanity bound on consumer threads (producers are bounded by the item tag).
constexpr int kMaxConsumers = 4096;

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    const auto end = text.find(sep, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

std::optional<long long> to_int(std::string_view s) {
  long long v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::string known_queues() {
  std::string names;
  for (const auto& e : queue_table()) names += (names.empty() ? "" : ", ") + std::string(e.traits.name);
  return names;
}

}  // namespace

std::vector<int> parse_counts(std::string_view option, std::string_view text, int max) {
  std::vector<int> values;
  auto bad = [&](std::string_view why) {
    return UsageError(fmt::format("{}: '{}' {}", option, text, why));
  };
  for (auto part : split(text, ',')) {
    const auto dash = part.find('-', 1);  // from 1: a leading '-' is a sign
    const auto lo = to_int(part.substr(0, dash));
    const auto hi = dash == std::string_view::npos ? lo : to_int(part.substr(dash + 1));
    if (!lo || !hi) throw bad("is not a count list (e.g. 1,2,4 or 1-4)");
    if (*lo < 1 || *hi < 1) throw bad("has a count below 1");
    if (*hi < *lo) throw bad("has a range that runs backwards");
    if (*hi > max) throw bad(fmt::format("has a count above {}", max));
    for (long long v = *lo; v <= *hi; ++v) values.push_back(static_cast<int>(v));
  }
  return values;
}

std::vector<std::pair<int, int>> parse_shapes(std::string_view option, std::string_view text, int max_producers,
                                              int max_consumers) {
  std::vector<std::pair<int, int>> shapes;
  auto bad = [&](std::string_view part, std::string_view why) {
    return UsageError(fmt::format("{}: '{}' has '{}', {}", option, text, part, why));
  };
  for (auto part : split(text, ',')) {
    const auto x = part.find('x');
    const auto p = x == std::string_view::npos ? std::nullopt : to_int(part.substr(0, x));
    const auto c = x == std::string_view::npos ? std::nullopt : to_int(part.substr(x + 1));
    if (!p || !c) throw bad(part, "which is not producers x consumers (e.g. 1x1,4x4,8x1)");
    if (*p < 1 || *c < 1) throw bad(part, "with a count below 1");
    if (*p > max_producers) throw bad(part, fmt::format("with more than {} producers", max_producers));
    if (*c > max_consumers) throw bad(part, fmt::format("with more than {} consumers", max_consumers));
    const std::pair<int, int> shape{static_cast<int>(*p), static_cast<int>(*c)};
    if (std::find(shapes.begin(), shapes.end(), shape) != shapes.end()) throw bad(part, "twice");
    shapes.push_back(shape);
  }
  return shapes;
}

std::vector<std::string> parse_queue_names(std::string_view text) {
  std::vector<std::string> registry;
  for (const auto& e : queue_table()) registry.emplace_back(e.traits.name);
  return select_queues("--queue", text, registry);
}

CommandLine::CommandLine() {
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Help for every command");
  // A flag's callback runs before CLI11 checks for the required subcommand,
  // so `qbench --version` alone is enough.
  app.set_version_flag("--version", version_line(), "Print the version, git revision and build type, then exit");

  const char* plugin_help =
      "Load the queues of a plugin, a shared library implementing include/qbench/queue_plugin.h (repeatable)";
  auto* list = app.add_subcommand("list", "List every queue with its traits and origin, and the scenario files found");
  list->add_flag("--json", command.json, "Print the list as JSON");
  list->add_option("--plugin", plugins, plugin_help);
  list->callback([this] { command.kind = Command::Kind::list; });

  auto* run = app.add_subcommand("run", "Run queues through a producer/consumer sweep and write validated results");
  run_ = run;
  run->add_option("--scenario,-s", scenario,
                  "A scenario file (scenarios/*.json); the options below override its fields");
  run->add_option("--plugin", plugins, std::string(plugin_help) + "; a scenario's \"plugins\" load too");
  run->add_option("--queue,-q", queues,
                  "Queues (see 'qbench list'): a comma list of names, globs (xenium_*, *_ring, all) and exclusions "
                  "(-NAME, -GLOB), applied left to right; a list that starts with an exclusion starts from all "
                  "(--queue=-ck_ring_mpmc: '=' when it starts with '-'). Queues run in the order the list adds "
                  "them, a glob's in 'qbench list' order; a name or glob matching no queue is an error")
      ->capture_default_str();
  run->add_option("--producers,-p", producers, "Producer counts: a list and/or ranges, e.g. 1,2,4-8")->capture_default_str();
  run->add_option("--consumers,-c", consumers, "Consumer counts, same form")->capture_default_str();
  run->add_option("--shapes", shapes,
                  "Producer x consumer pairs to run, e.g. 1x1,4x4,8x1, instead of every --producers count with every --consumers count");
  run->add_option("--duration,-d", duration, "Measured window per repetition (ns/us/ms/s/m)")->capture_default_str();
  run->add_option("--items", items, "Fixed-count runs: items pushed in the window, in total (overrides --duration)");
  run->add_option("--items-per-producer", items_per_producer,
                  "Fixed-count runs of this many items per producer (overrides --duration and --items)");
  run->add_option("--warmup", warmup, "Warm-up before each window; not measured")->capture_default_str();
  run->add_option("--repetitions,-r", repetitions, "Repetitions per point (1 to 1000), interleaved across points")
      ->capture_default_str();
  run->add_option("--capacity", capacity_text, "Queue capacity (default: 1024, or what 'qbench list' shows, where a queue needs one; else the queue's own)");
  run->add_option("--placement", placement, "Thread pinning: compact, scatter or none")->capture_default_str();
  run->add_option("--payload-bytes", payload_bytes, "Item size in bytes: 8, 64 or 256")->capture_default_str();
  run->add_option("--seed", seed, "Seed, recorded with the results for workloads that draw random numbers")->capture_default_str();
  run->add_option("--timeout", timeout, "Per-repetition limit before the child is killed (default: 5 x (warmup + duration) + 30s)")->capture_default_str();
  run->add_option("--latency", latency,
                  "Latency recording: off, e2e (push-to-pop time of a sample of items, joined after the run), "
                  "ops (time 1 in N try_push/try_pop), all")
      ->capture_default_str();
  run->add_option("--latency-sample-period", latency_sample_period,
                  "e2e: sample about 1 in N items (1 to 2^30), chosen by a hash of (producer, sequence)")
      ->capture_default_str();
  run->add_option("--payload-check", payload_check,
                  "Bytes past the tag: all (every item checked; a mismatch makes the run invalid) or off "
                  "(to measure what the check costs)")
      ->capture_default_str();
  run->add_option("--op-sample-period", op_sample_period, "ops: time one operation in this many (1 to 2^20)")
      ->capture_default_str();
  run->add_option("--counters", counters, "perf_event counters: default (the ten generic events), none, or a comma list of generic events (cycles, "
                  "instructions, cache-references, cache-misses, L1-dcache-load-misses, LLC-load-misses, task-clock, "
                  "context-switches, cpu-migrations, page-faults) and native PMU events as libpfm4 names them (MEM_LOAD_RETIRED.L3_MISS, "
                  "r003c); one this machine cannot count gets a status and libpfm4's reason, not an error")
      ->capture_default_str();
  run->add_option("--wait", wait,
                  "How threads wait on a full or empty queue: spin (try_*; one PAUSE a try when each thread has a CPU, "
                  "else backing off to yields), pause or backoff (that policy whatever the placement, to measure "
                  "what waiting costs), or block (the queue's own push/pop with a timeout; queues without one are "
                  "skipped)")
      ->capture_default_str();
  run->add_option("--out,-o", out, "Write the results JSON here (atomically; never overwrites without --force)");
  run->add_flag("--force", command.force, "Overwrite an existing --out file");
  run->add_flag("--wide", command.wide, "Print every column of the table (ns/item, min and max items/s, reps) and the skipped points, uncut");
  // Parsed here, where the text comes in, so that nothing downstream sees it.
  run->add_option_function<std::string>(
         "--format",
         [this](const std::string& text) {
           const auto format = parse_console_format(text);
           if (!format) throw UsageError(fmt::format("--format: '{}' is not one of table, csv, markdown, json", text));
           command.format = *format;
         },
         "What stdout gets when the sweep ends: table (the table and its summary), csv (one line a point, every "
         "column, units in the header), markdown (the --wide table and the summary as a list) or json "
         "({\"points\": [...], \"summary\": [...]}); progress stays on stderr, --out stays JSON")
      ->default_str("table");
  run->add_flag("--plan", command.plan, "Print the points, repetitions, estimated time and results-file size, then every point id; exit without running or writing anything");
  run->add_flag("!--no-fork", command.sweep.isolate, "Run repetitions in this process (debugging; a crash ends the sweep)");
  run->callback([this] { command.kind = Command::Kind::run; });

  auto* pp = app.add_subcommand("pingpong", "Bounce one item between two pinned threads over two queues; time each round trip");
  pingpong_ = pp;
  pp->add_option("--queue,-q", pp_queue, "The queue to bounce through (one name)")->capture_default_str();
  pp->add_option("--cpus", pp_cpus, "Two CPUs 'a,b': the sender (which times) and the echo (default: the first two of the compact placement)");
  pp->add_option("--plugin", plugins, plugin_help);
  pp->add_option("--round-trips,-n", pp_round_trips, "Round trips recorded (1 to 2^40)")->capture_default_str();
  pp->add_option("--warmup-trips", pp_warmup_trips, "Round trips before recording starts")->capture_default_str();
  pp->add_option("--capacity", capacity_text, "Queue capacity (default as for run)");
  pp->add_option("--timeout", pp_timeout, "Limit before the child is killed")->capture_default_str();
  pp->add_option("--out,-o", out, "Write the result JSON here (atomically; never overwrites without --force)");
  pp->add_flag("--force", command.force, "Overwrite an existing --out file");
  pp->callback([this] { command.kind = Command::Kind::pingpong; });

  add_check_command(plugin_help);
}

void CommandLine::finish() {
  CLI::App* sub = command.kind == Command::Kind::pingpong ? pingpong_
                  : command.kind == Command::Kind::check  ? check_
                                                          : run_;
  if (sub != nullptr && sub->count("--out") > 0 && out.empty()) throw UsageError("--out: '' is an empty path");
  if (!out.empty()) command.out = out;
  // First of all: a plugin's queues are names the rest may refer to. A
  // scenario's plugins load in apply_scenario, before its queues are read.
  for (const auto& path : plugins) load_plugin(path, "--plugin");
  if (command.kind == Command::Kind::check) {
    finish_check();
    return;
  }
  if (command.kind == Command::Kind::pingpong) {
    auto& q = command.pingpong;
    q.round_trips = parse_count("--round-trips", pp_round_trips, 1, kMaxRoundTrips);
    q.warmup = parse_count("--warmup-trips", pp_warmup_trips, 0, kMaxRoundTrips);
    if (pingpong_->count("--capacity") > 0) capacity = parse_count("--capacity", capacity_text, 0, kMaxCapacity);
    const QueueEntry* e = find_queue(pp_queue);
    if (e == nullptr) throw UsageError(missing_queue_message("--queue", pp_queue, known_queues()));
    if (e->reference) {
      throw UsageError(fmt::format("--queue: '{}' is a reference ceiling, not a queue; it cannot bounce an item", pp_queue));
    }
    if (e->pingpong == nullptr) {
      throw UsageError(fmt::format("--queue: '{}' takes no 8-byte items, which a ping-pong bounces", pp_queue));
    }
    q.queue = pp_queue;
    if (!pp_cpus.empty()) {
      const auto parts = split(pp_cpus, ',');
      for (auto part : parts) {
        const auto cpu = to_int(part);
        if (parts.size() != 2 || !cpu || *cpu < 0 || *cpu > (1 << 20)) {
          throw UsageError(fmt::format("--cpus: '{}' is not two CPU numbers 'a,b'", pp_cpus));
        }
        q.cpus.push_back(static_cast<int>(*cpu));
      }
    }
    q.timeout = parse_duration("--timeout", pp_timeout);
    q.capacity = capacity;
    const std::size_t cap = q.capacity.value_or(e->default_capacity);
    // A ping-pong bounces one 8-byte item.
    if (const auto problem = capacity_problem(*e, cap, 8); !problem.empty()) {
      throw UsageError(fmt::format("--capacity: '{}' is not allowed for {}: {}", cap, pp_queue, problem));
    }
    return;
  }
  if (command.kind != Command::Kind::run) return;
  SweepRequest& s = command.sweep;
  PointParams& b = s.base;
  if (!scenario.empty()) apply_scenario();
  // What the command line gave overrides the file (apply_scenario left it).
  const auto given = [&](const char* option) { return run_->count(option) > 0; };
  if (given("--items")) b.items = parse_count("--items", items, 1, kMaxItems);
  if (given("--items-per-producer")) {
    s.items_per_producer = parse_count("--items-per-producer", items_per_producer, 1, kMaxItems);
  }
  if (given("--repetitions")) {
    s.repetitions = static_cast<int>(parse_count("--repetitions", repetitions, 1, kMaxRepetitions));
  }
  if (given("--capacity")) capacity = parse_count("--capacity", capacity_text, 0, kMaxCapacity);
  if (given("--payload-bytes")) {
    b.payload_bytes = static_cast<int>(parse_count("--payload-bytes", payload_bytes, 1, kMaxSmallCount));
  }
  if (given("--seed")) b.seed = parse_count("--seed", seed, 0, kMaxSeed);
  if (given("--latency-sample-period")) {
    b.latency_sample_period =
        parse_count("--latency-sample-period", latency_sample_period, 1, kMaxLatencySamplePeriod);
  }
  if (given("--op-sample-period")) {
    b.op_sample_period =
        static_cast<std::uint32_t>(parse_count("--op-sample-period", op_sample_period, 1, kMaxOpSamplePeriod));
  }
  s.queues = parse_queue_names(queues);
  if (!shapes.empty()) {
    if (run_->count("--producers") > 0 || run_->count("--consumers") > 0) {
      throw UsageError(fmt::format("--shapes: '{}' cannot be given with --producers or --consumers", shapes));
    }
    s.shapes = parse_shapes(label("--shapes"), shapes, static_cast<int>(kMaxProducers) - 1, kMaxConsumers);
  } else {
    s.producers = parse_counts(label("--producers"), producers, static_cast<int>(kMaxProducers) - 1);
    s.consumers = parse_counts(label("--consumers"), consumers, kMaxConsumers);
  }
  b.duration = parse_duration(label("--duration"), duration);
  if (s.items_per_producer > 0) b.items = 0;  // set per point
  if (b.duration.count() == 0 && b.items == 0 && s.items_per_producer == 0) throw UsageError(fmt::format("{}: '{}' is zero", label("--duration"), duration));
  b.warmup = parse_duration(label("--warmup"), warmup);
  const auto per_rep = b.warmup + (b.items > 0 || s.items_per_producer > 0 ? std::chrono::nanoseconds(std::chrono::seconds(10)) : b.duration);
  b.timeout = timeout == "auto" ? 5 * per_rep + std::chrono::seconds(30) : parse_duration(label("--timeout"), timeout);
  if (b.timeout.count() == 0) throw UsageError("--timeout: '0' is zero");
  const auto pl = parse_placement(placement);
  if (!pl) throw UsageError(fmt::format("{}: '{}' is not one of compact, scatter, none", label("--placement"), placement));
  b.placement = *pl;
  if (std::find(kPayloadSizes.begin(), kPayloadSizes.end(), b.payload_bytes) == kPayloadSizes.end()) {
    throw UsageError(fmt::format("{}: '{}' is not offered (8, 64 or 256)", label("--payload-bytes"), b.payload_bytes));
  }
  const auto wait_mode = parse_wait_mode(wait);
  if (!wait_mode) {
    throw UsageError(fmt::format("{}: '{}' is not spin, pause, backoff or block", label("--wait"), wait));
  }
  b.wait = *wait_mode;
  const auto check = parse_payload_check(payload_check);
  if (!check) {
    throw UsageError(fmt::format("{}: '{}' is not all or off", label("--payload-check"), payload_check));
  }
  b.payload_check = *check;
  const auto latency_mode = parse_latency_mode(latency);
  if (!latency_mode) {
    throw UsageError(fmt::format("{}: '{}' is not one of off, e2e, ops, all", label("--latency"), latency));
  }
  b.latency = *latency_mode;
  std::string counters_error;
  const auto selection = parse_counter_selection(counters, &counters_error);
  if (!selection) throw UsageError(label("--counters") == "--counters" ? counters_error : label("--counters") + ": " + counters_error);
  for (const auto& w : s.workloads) {
    if (w.kind == WorkloadKind::throughput || w.kind == WorkloadKind::pingpong) continue;
    if (b.payload_bytes != 8) {
      throw UsageError(fmt::format("{}: '{}': a {} workload moves 8-byte items; use 8", label("--payload-bytes"),
                                   b.payload_bytes, to_string(w.kind)));
    }
    if (wants_ops(b.latency)) {
      throw UsageError(fmt::format("{}: '{}': a {} workload records e2e latency only (off or e2e)", label("--latency"),
                                   to_string(b.latency), to_string(w.kind)));
    }
  }
  if (b.elastic.set) {
    bool any = false;
    for (const auto& name : s.queues) any = any || find_queue(name)->takes_elastic_config;
    if (!any) throw UsageError(fmt::format("{}: elastic: none of the queues ({}) takes an elastic config", scenario, queues));
  }
  b.counters = *selection;
  s.capacity = capacity;
  for (const auto& name : s.queues) {
    const QueueEntry* e = find_queue(name);
    const std::size_t cap = capacity.value_or(e->default_capacity);
    if (cap == 0 && e->traits.capacity_required) {
      throw UsageError(fmt::format("{}: '0' is not allowed for {} (it needs a capacity)", label("--capacity"), name));
    }
    const auto item_bytes = static_cast<std::size_t>(b.payload_bytes);
    if (const auto problem = capacity_problem(*e, cap, item_bytes); !problem.empty()) {
      throw UsageError(fmt::format("{}: '{}' is not allowed for {}: {}", label("--capacity"), cap, name, problem));
    }
  }
}

std::string CommandLine::label(const std::string& option) const {
  const auto it = from_scenario_.find(option);
  return it == from_scenario_.end() ? option : it->second;
}

void CommandLine::apply_scenario() {
  const Scenario sc = load_scenario(scenario);
  for (const auto& path : sc.plugins) load_plugin(path, fmt::format("{}: plugins", scenario));
  SweepRequest& s = command.sweep;
  PointParams& b = s.base;
  auto given = [&](const char* option) { return run_->count(option) > 0; };
  // Takes the file's value for `option` unless the command line gave one.
  auto take = [&](const char* option, const char* key, auto& field, const auto& value) {
    if (given(option) || !value) return;
    field = *value;
    from_scenario_[option] = fmt::format("{}: {}", scenario, key);
  };
  take("--queue", "queues", queues, sc.queues);
  // --producers or --consumers on the command line replaces the file's
  // shapes; --shapes replaces its producers and consumers.
  if (!given("--producers") && !given("--consumers")) take("--shapes", "shapes", shapes, sc.shapes);
  if (!given("--shapes")) {
    take("--producers", "producers", producers, sc.producers);
    take("--consumers", "consumers", consumers, sc.consumers);
  }
  take("--warmup", "warmup", warmup, sc.warmup);
  take("--timeout", "timeout", timeout, sc.timeout);
  take("--placement", "placement", placement, sc.placement);
  take("--latency", "latency", latency, sc.latency);
  take("--counters", "counters", counters, sc.counters);
  take("--wait", "wait", wait, sc.wait);
  take("--repetitions", "repetitions", s.repetitions, sc.repetitions);
  take("--payload-bytes", "payload_bytes", b.payload_bytes, sc.payload_bytes);
  take("--seed", "seed", b.seed, sc.seed);
  take("--op-sample-period", "op_sample_period", b.op_sample_period, sc.op_sample_period);
  take("--latency-sample-period", "latency_sample_period", b.latency_sample_period, sc.latency_sample_period);
  take("--payload-check", "payload_check", payload_check, sc.payload_check);
  if (!given("--capacity") && sc.capacity) {
    capacity = sc.capacity;
    from_scenario_["--capacity"] = fmt::format("{}: capacity", scenario);
  }
  // --duration or --items on the command line replaces whichever the file gives.
  // --duration, --items or --items-per-producer on the command line replaces
  // whichever of them the file gives.
  if (!given("--duration") && !given("--items") && !given("--items-per-producer")) {
    take("--duration", "duration", duration, sc.duration);
    take("--items", "items", b.items, sc.items);
    take("--items-per-producer", "items_per_producer", s.items_per_producer, sc.items_per_producer);
  }
  b.elastic = sc.elastic;
  s.workloads = sc.workloads;
  s.id_prefix = sc.info.name;
  command.scenario = sc.info;
}

}  // namespace qb
