// qbench: parse the command line, run, report. Exit status: 0 all points ok,
// 1 some point invalid or failed, 2 bad input, 128 + the signal when
// interrupted (130 SIGINT, 143 SIGTERM, 129 SIGHUP).
#include <cstdio>
#include <filesystem>
#include <optional>
#include <iostream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "harness/app/cli.hpp"
#include "harness/app/list_command.hpp"
#include "harness/app/pingpong_command.hpp"
#include "harness/console/formats.hpp"
#include "harness/console/summary.hpp"
#include "harness/console/table.hpp"
#include "harness/counters/totals.hpp"
#include "harness/machine/machine_state.hpp"
#include "harness/machine/terminal.hpp"
#include "harness/model/result_json.hpp"
#include "harness/plugins/plugin_loader.hpp"
#include "harness/results/context.hpp"
#include "harness/results/results_file.hpp"
#include "harness/run/isolation.hpp"
#include "harness/sweep/plan_description.hpp"
#include "harness/sweep/sweep.hpp"

namespace {

int run_command(const qb::Command& command, const std::vector<std::string>& argv) {
  // The one plan: described, journaled, run and printed as it is here.
  auto plan = qb::plan_sweep(command.sweep);
  // What the run refuses, --plan refuses too: a sweep that runs nothing, and
  // an --out it could not write.
  if (const auto why = qb::nothing_to_run(plan); !why.empty()) throw qb::UsageError(why);
  if (command.out) qb::check_output_path(*command.out, command.force);
  if (command.plan) {
    fmt::print("{}", qb::describe_plan(command.sweep, plan));
    return 0;
  }
  if (const auto warning = qb::build_warning(); !warning.empty()) fmt::print(stderr, "{}\n", warning);

  const auto topology = qb::Topology::detect();
  const auto clock = qb::Clock::calibrate();
  if (!clock.is_tsc()) fmt::print(stderr, "qbench: clock: CLOCK_MONOTONIC ({})\n", clock.fallback_reason());
  // Before the sweep's own threads load the machine.
  const auto load_at_start = qb::load_average();
  const auto frequency = qb::frequency_scaling();
  for (const auto& line : qb::machine_state_warnings(load_at_start, frequency, topology.cpu_count())) {
    fmt::print(stderr, "qbench: {}\n", line);
  }

  std::vector<std::string> notes;
  for (const auto& point : plan.points) {
    if (point.status == qb::PointStatus::skipped) notes.push_back(fmt::format("{}: skipped, {}", point.id, point.skip_reason));
  }
  std::optional<qb::ResultsJournal> journal;
  if (!command.out) {
    journal.emplace(plan.points);
  } else {
    auto context = qb::machine_context(argv);
    context["clock"] = clock.describe();
    context["load_average"] = {{"start", qb::to_json(load_at_start)}};
    context["frequency_scaling"] = qb::to_json(frequency);
    const auto& selection = command.sweep.base.counters;
    if (!selection.empty()) context["counters"] = qb::counter_availability(selection);
    auto header = qb::document_header(context, notes);
    if (command.scenario) header["scenario"] = qb::scenario_json(*command.scenario);
    journal.emplace(*command.out, command.force, std::move(header), plan.points, plan.repetitions);
  }
  auto outcome = qb::run_sweep(std::move(plan), topology, clock, *journal);
  // The end's figure includes the sweep's own threads: it says how long the
  // machine takes to settle, not who else was on it.
  if (command.out) journal->context()["load_average"]["end"] = qb::to_json(qb::load_average());
  journal->finish(outcome.points, outcome.interrupted, notes);

  bool all_ok = true;
  for (const auto& point : outcome.points) {
    if (point.status == qb::PointStatus::invalid || point.status == qb::PointStatus::failed) all_ok = false;
  }
  const auto marks = qb::point_marks(outcome.points);
  qb::SummaryContext summary;
  summary.usable_cpus = topology.cpu_count();
  if (command.out) summary.results = command.out->string();
  fmt::print("{}", qb::render_console(command.format, outcome.points, marks, summary,
                                      qb::TableOptions{.wide = command.wide, .width = qb::terminal_columns()}));
  if (outcome.interrupted) {
    fmt::print(stderr, "qbench: interrupted by {}; finished repetitions were kept{}\n", qb::interrupt_signal_name(),
               command.out ? " and written" : "");
    return qb::interrupt_exit_status();
  }
  return all_ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv, argv + argc);
  // The plugins built with qbench (the Rust queues) join the table before any
  // name is looked up; --plugin's load in finish().
  try {
    (void)qb::queue_table();  // a header queue named like another is refused here
  } catch (const std::exception& e) {
    fmt::print(stderr, "qbench: error: {}\n", e.what());
    return 1;
  }
  qb::load_bundled_plugins();
  qb::CommandLine cli;
  try {
    cli.parse(argc, argv);
    cli.finish();
  } catch (const CLI::CallForHelp& e) {
    return cli.app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return cli.app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return cli.app.exit(e);
  } catch (const CLI::ParseError& e) {  // parse() words every other one as a UsageError
    fmt::print(stderr, "qbench: cannot read this command line ({})\n", e.get_name());
    return 2;
  } catch (const qb::UsageError& e) {
    fmt::print(stderr, "qbench: {}\n", e.what());
    return 2;
  }
  try {
    switch (cli.command.kind) {
      case qb::Command::Kind::list: return qb::list_command(cli.command.json);
      case qb::Command::Kind::run: return run_command(cli.command, args);
      case qb::Command::Kind::pingpong:
        return qb::pingpong_command(cli.command.pingpong, cli.command.out, cli.command.force, args);
      case qb::Command::Kind::check:
        return qb::check_command(cli.command.check, cli.command.out, cli.command.force, args);
      case qb::Command::Kind::none: break;
    }
  } catch (const qb::UsageError& e) {
    fmt::print(stderr, "qbench: {}\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "qbench: error: {}\n", e.what());
    return 1;
  }
  return 2;
}
