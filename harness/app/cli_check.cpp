// `qbench check`'s options, and their checks: the rest of CommandLine is in
// cli.cpp.
#include <fmt/format.h>

#include "harness/app/cli.hpp"
#include "harness/registry/queue_patterns.hpp"
#include "harness/registry/queue_table.hpp"

namespace qb {

void CommandLine::add_check_command(const char* plugin_help) {
  auto* check = app.add_subcommand(
      "check", "Validate queues: exactly-once delivery, order, empty/full semantics and payload bytes, at every "
               "shape their traits allow up to 4x4; exit 0 when all pass, 1 when one fails");
  check_ = check;
  check->add_option("queues", check_queues, "Queues to check: names, globs and exclusions as for run --queue")
      ->type_name("QUEUES...")
      ->required();
  check->add_option("--plugin", plugins, plugin_help)->type_name("PATH");
  check->add_option("--items", check_items, "Items per delivery run (1000 to 2^30)")
      ->type_name("N")
      ->capture_default_str();
  check->add_option("--timeout", check_timeout, "A run not done in this long has hung, and fails")
      ->type_name("DURATION")
      ->capture_default_str();
  check->add_option("--max-threads", check_threads, "Largest producer and consumer count of a shape (1 to 64)")
      ->type_name("N")
      ->capture_default_str();
  check->add_option("--out,-o", out, "Write the verdicts as JSON here (atomically; never overwrites without --force)")
      ->type_name("PATH");
  check->add_flag("--force", command.force, "Overwrite an existing --out file");
  check->callback([this] { command.kind = Command::Kind::check; });
}

void CommandLine::finish_check() {
  std::string text;
  for (const auto& q : check_queues) {
    if (const QueueEntry* e = find_queue(q); e != nullptr && e->reference) {
      throw UsageError(fmt::format("check: '{}' is a reference ceiling, not a queue; it moves no items", q));
    }
    text += (text.empty() ? "" : ",") + q;
  }
  // Globs and "all" cover the queues, not the reference ceilings.
  auto names = select_queues("check", text, [] {
    std::vector<std::string> registry;
    for (const auto& e : queue_table()) {
      if (!e.reference) registry.emplace_back(e.traits.name);
    }
    return registry;
  }());
  command.check.queues = std::move(names);
  auto& o = command.check.options;
  o.items = parse_count("--items", check_items, 1000, std::uint64_t{1} << 30);
  o.run_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(parse_duration("--timeout", check_timeout));
  if (o.run_timeout.count() < 1) throw UsageError(fmt::format("--timeout: '{}' is under 1 ms", check_timeout));
  o.max_threads = static_cast<int>(parse_count("--max-threads", check_threads, 1, 64));
}

}  // namespace qb
