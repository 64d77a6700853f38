#include "harness/check/check_command.hpp"

#include <cstdio>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "harness/model/result_json.hpp"
#include "harness/results/context.hpp"
#include "harness/run/isolation.hpp"

namespace qb {

int check_command(const CheckRequest& request, const std::optional<std::filesystem::path>& out, bool force,
                  const std::vector<std::string>& argv) {
  if (out) check_output_path(*out, force);
  install_interrupt_handler();
  nlohmann::json verdicts = nlohmann::json::array();
  int failed = 0;
  for (const auto& name : request.queues) {
    const QueueEntry* entry = find_queue(name);
    fmt::print("{} ({})\n", name, entry->origin);
    std::fflush(stdout);
    check::QueueReport report;
    try {
      report = check::check_queue(*entry, request.options);
    } catch (const check::Interrupted& e) {
      fmt::print(stderr, "qbench: {}; stopped\n", e.what());
      return interrupt_exit_status();
    }
    fmt::print("  {}\n", report.summary);
    for (const auto& line : report.checks) {
      fmt::print("  {:<11} {:<16} {}\n", check::to_string(line.verdict), check::to_string(line.category), line.detail);
    }
    fmt::print("  {}: {} in {} of {} runs, {:.1f} s\n\n", report.pass ? "PASS" : "FAIL", name, report.runs,
               report.planned, report.seconds);
    std::fflush(stdout);
    failed += report.pass ? 0 : 1;
    verdicts.push_back(check::to_json(report));
  }
  const auto total = request.queues.size();
  fmt::print("{} of {} queue{} passed{}\n", total - static_cast<std::size_t>(failed), total, total == 1 ? "" : "s",
             failed > 0 ? fmt::format("; failed: {}", failed) : "");
  if (out) {
    nlohmann::json doc{{"schema_version", 2},
                       {"kind", "check"},
                       {"context", machine_context(argv)},
                       {"options",
                        {{"items_per_run", request.options.items},
                         {"run_timeout_ms", request.options.run_timeout.count()},
                         {"max_threads", request.options.max_threads}}},
                       {"queues", verdicts}};
    write_json_atomically(*out, doc, force);
    fmt::print("verdicts: {}\n", out->string());
  }
  return failed > 0 ? 1 : 0;
}

}  // namespace qb
