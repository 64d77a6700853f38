// `qbench run`'s options become a SweepRequest. Each option of the table
// (model/options.hpp) has one text, the command line's, else the scenario
// file's, else its default, and that text is parsed the same way wherever it
// came from; an error names the flag, or the file and key it came from.
#include <algorithm>

#include <fmt/format.h>

#include "harness/app/cli.hpp"
#include "harness/app/scenario_catalog.hpp"
#include "harness/counters/counters.hpp"
#include "harness/measure/latency.hpp"
#include "harness/model/wait_mode.hpp"
#include "harness/plugins/plugin_loader.hpp"
#include "harness/registry/queue_table.hpp"
#include "harness/run/payload.hpp"

namespace qb {

namespace {

// A sanity bound on consumer threads (producers are bounded by the item tag).
constexpr int kMaxConsumers = 4096;

}  // namespace

bool CommandLine::given(Opt id) const { return run_->count(std::string(option(id).flag)) > 0; }

std::optional<std::string> CommandLine::option_text(Opt id) const {
  if (given(id)) return run_options[option_index(id)];
  if (from_file_[option_index(id)]) return from_file_[option_index(id)];
  return option(id).default_text;
}

std::string CommandLine::label(const std::string& option) const {
  const auto it = from_scenario_.find(option);
  return it == from_scenario_.end() ? option : it->second;
}

void CommandLine::finish_run() {
  SweepRequest& s = command.sweep;
  PointParams& b = s.base;
  if (!scenario.empty()) apply_scenario();
  const auto text = [&](Opt id) { return option_text(id); };
  const auto where = [&](Opt id) { return label(std::string(option(id).flag)); };
  // The options a point holds, parsed into the base point.
  for (const Option& o : options()) {
    const auto value = text(o.id);
    if (o.scope != OptionScope::point || !value || (o.auto_ok && *value == "auto")) continue;
    parse_option(b, o, where(o.id), *value);
  }
  // The sweep's own.
  const auto count = [&](Opt id) -> std::optional<std::uint64_t> {
    const auto value = text(id);
    if (!value) return std::nullopt;
    return parse_option_count(option(id), where(id), *value);
  };
  s.repetitions = static_cast<int>(count(Opt::repetitions).value_or(0));
  for (const auto& name : parse_option_choices(option(Opt::wait), where(Opt::wait), *text(Opt::wait))) {
    s.waits.push_back(*parse_wait_mode(name));
  }
  b.wait = s.waits.front();
  s.items_per_producer = count(Opt::items_per_producer).value_or(0);
  if (const auto cap = count(Opt::capacity)) capacity = *cap;
  s.queues = parse_queue_names(*text(Opt::queues));
  if (const auto shapes = text(Opt::shapes); shapes && !shapes->empty()) {
    if (given(Opt::producers) || given(Opt::consumers)) {
      throw UsageError(fmt::format("--shapes: '{}' cannot be given with --producers or --consumers", *shapes));
    }
    s.shapes = parse_shapes(where(Opt::shapes), *shapes, static_cast<int>(kMaxProducers) - 1, kMaxConsumers);
  } else {
    s.producers = parse_counts(where(Opt::producers), *text(Opt::producers), static_cast<int>(kMaxProducers) - 1);
    s.consumers = parse_counts(where(Opt::consumers), *text(Opt::consumers), kMaxConsumers);
  }
  if (s.items_per_producer > 0) b.items = 0;  // set per point
  if (b.duration.count() == 0 && b.items == 0 && s.items_per_producer == 0) {
    throw UsageError(fmt::format("{}: '{}' is zero", where(Opt::duration), *text(Opt::duration)));
  }
  if (*text(Opt::timeout) == "auto") b.timeout = auto_timeout(b.warmup, b.duration, b.items > 0 || s.items_per_producer > 0);
  if (b.timeout.count() == 0) throw UsageError("--timeout: '0' is zero");
  if (std::find(kPayloadSizes.begin(), kPayloadSizes.end(), b.payload_bytes) == kPayloadSizes.end()) {
    throw UsageError(fmt::format("{}: '{}' is not offered (8, 64 or 256)", where(Opt::payload_bytes), b.payload_bytes));
  }
  for (const auto& w : s.workloads) {
    if (w.kind == WorkloadKind::throughput || w.kind == WorkloadKind::pingpong) continue;
    if (b.payload_bytes != 8) {
      throw UsageError(fmt::format("{}: '{}': a {} workload moves 8-byte items; use 8", where(Opt::payload_bytes),
                                   b.payload_bytes, to_string(w.kind)));
    }
    if (wants_ops(b.latency)) {
      throw UsageError(fmt::format("{}: '{}': a {} workload records e2e latency only (off or e2e)",
                                   where(Opt::latency), to_string(b.latency), to_string(w.kind)));
    }
  }
  if (b.batch > 1 && wants_ops(b.latency)) {  // one timed call would be N items' time
    throw UsageError(fmt::format("{}: '{}' cannot time calls one item at a time (--latency {}); use --latency e2e "
                                 "with it, or --batch 1",
                                 where(Opt::batch), b.batch, to_string(b.latency)));
  }
  if (b.elastic.set) {
    bool any = false;
    for (const auto& name : s.queues) any = any || find_queue(name)->takes_elastic_config;
    if (!any) {
      throw UsageError(fmt::format("{}: elastic: none of the queues ({}) takes an elastic config", scenario,
                                   *text(Opt::queues)));
    }
  }
  s.capacity = capacity;
  for (const auto& name : s.queues) {
    const QueueEntry* e = find_queue(name);
    const std::size_t cap = capacity.value_or(e->default_capacity);
    if (cap == 0 && e->traits.capacity_required) {
      throw UsageError(fmt::format("{}: '0' is not allowed for {} (it needs a capacity)", where(Opt::capacity), name));
    }
    const auto item_bytes = static_cast<std::size_t>(b.payload_bytes);
    if (const auto problem = capacity_problem(*e, cap, item_bytes); !problem.empty()) {
      throw UsageError(fmt::format("{}: '{}' is not allowed for {}: {}", where(Opt::capacity), cap, name, problem));
    }
  }
}

void CommandLine::apply_scenario() {
  // A file, or a name `qbench list` shows; errors name the file it read.
  scenario = find_scenario(scenario).string();
  const Scenario sc = load_scenario(scenario);
  for (const auto& path : sc.plugins) load_plugin(path, fmt::format("{}: plugins", scenario));
  // The file's value of an option stands unless the command line gave the
  // option, or one that replaces it (--items replaces the file's duration).
  for (const Option& o : options()) {
    const auto& value = sc.value(o.id);
    if (!value || given(o.id) || std::any_of(o.replaced_by.begin(), o.replaced_by.end(), [&](Opt r) { return given(r); })) {
      continue;
    }
    from_file_[option_index(o.id)] = value;
    from_scenario_[std::string(o.flag)] = fmt::format("{}: {}", scenario, o.key);
  }
  SweepRequest& s = command.sweep;
  s.base.elastic = sc.elastic;
  s.workloads = sc.workloads;
  s.id_prefix = sc.info.name;
  command.scenario = sc.info;
}

}  // namespace qb
