#include "harness/app/cli.hpp"

#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "harness/app/help_format.hpp"
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

std::vector<std::string> known_queues() {
  std::vector<std::string> names;
  for (const auto& e : queue_table()) names.emplace_back(e.traits.name);
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
  // First: a subcommand takes its parent's formatter when it is added.
  app.formatter(std::make_shared<HelpFormatter>());
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Help for every command");
  // A flag's callback runs before CLI11 checks for the required subcommand,
  // so `qbench --version` alone is enough.
  app.set_version_flag("--version", version_line(), "Print the version, git revision and build type, then exit");

  const char* plugin_help =
      "Load the queues of a plugin, a shared library implementing include/qbench/queue_plugin.h (repeatable)";
  auto* list = app.add_subcommand(
      "list", "List every queue with its traits and origin, and the scenarios by name with their files");
  list->add_flag("--json", command.json, "Print the list as JSON");
  list->add_option("--plugin", plugins, plugin_help)->type_name("PATH");
  list->callback([this] { command.kind = Command::Kind::list; });

  auto* run = app.add_subcommand("run", "Run queues through a producer/consumer sweep and write validated results");
  run_ = run;
  run->add_option("--scenario,-s", scenario,
                  "A scenario: a name 'qbench list' shows (quick), or a file (scenarios/*.json); the options below "
                  "override its fields")
      ->type_name("NAME|PATH");
  run->add_option("--plugin", plugins, std::string(plugin_help) + "; a scenario's \"plugins\" load too")
      ->type_name("PATH");
  // The option table's, in its order: the flag, its help and its default.
  for (const Option& o : options()) {
    const std::string names = o.alias.empty() ? std::string(o.flag) : fmt::format("{},{}", o.flag, o.alias);
    auto* added = run->add_option(names, run_options[option_index(o.id)], o.help)->type_name(value_name(o));
    if (o.default_text) added->default_str(*o.default_text);
  }
  run->add_option("--out,-o", out, "Write the results JSON here (atomically; never overwrites without --force)")
      ->type_name("PATH");
  run->add_flag("--force", command.force, "Overwrite an existing --out file");
  run->add_flag("--wide", command.wide, "Print every column of the table (ns/item, CPU ns/item, items/CPU-s, min and max items/s, reps) and the skipped points, uncut");
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
      ->type_name("table|csv|markdown|json")
      ->default_str("table");
  run->add_flag("--plan", command.plan, "Print the points, repetitions, estimated time and results-file size, then every point id; exit without running or writing anything");
  run->add_flag("!--no-fork", command.sweep.isolate, "Run repetitions in this process (debugging; a crash ends the sweep)");
  run->callback([this] { command.kind = Command::Kind::run; });

  auto* pp = app.add_subcommand("pingpong", "Bounce one item between two pinned threads over two queues; time each round trip");
  pingpong_ = pp;
  pp->add_option("--queue,-q", pp_queue, "The queue to bounce through (one name)")
      ->type_name("NAME")
      ->capture_default_str();
  pp->add_option("--cpus", pp_cpus, "Two CPUs: the sender (which times) and the echo (unset: the first two of the "
                                    "compact placement)")
      ->type_name("A,B");
  pp->add_option("--plugin", plugins, plugin_help)->type_name("PATH");
  pp->add_option("--round-trips,-n", pp_round_trips, "Round trips recorded (1 to 2^40)")
      ->type_name("N")
      ->capture_default_str();
  pp->add_option("--warmup-trips", pp_warmup_trips, "Round trips before recording starts")
      ->type_name("N")
      ->capture_default_str();
  pp->add_option("--capacity", capacity_text, "Queue capacity in slots (unset: as for run)")->type_name("N");
  pp->add_option("--timeout", pp_timeout, "Limit before the child is killed")
      ->type_name("DURATION")
      ->capture_default_str();
  pp->add_option("--out,-o", out, "Write the result JSON here (atomically; never overwrites without --force)")
      ->type_name("PATH");
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
  if (command.kind == Command::Kind::run) finish_run();
}

}  // namespace qb
