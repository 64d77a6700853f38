// Command-line parsing only: argv becomes a Command; nothing runs here.
// Every mistake becomes a UsageError whose one-line message names the option
// and the value.
#pragma once

#include <array>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "harness/check/check_command.hpp"
#include "harness/console/formats.hpp"
#include "harness/model/numbers.hpp"
#include "harness/model/options.hpp"
#include "harness/model/usage_error.hpp"
#include "harness/sweep/scenario.hpp"
#include "harness/sweep/sweep.hpp"

namespace qb {

struct PingpongRequest {
  std::string queue;
  std::vector<int> cpus;             // empty: the first two CPUs of the compact placement
  std::uint64_t round_trips = 100000;
  std::uint64_t warmup = 10000;
  std::optional<std::size_t> capacity;
  std::chrono::nanoseconds timeout{std::chrono::seconds(120)};
};

struct Command {
  enum class Kind { none, list, run, pingpong, check } kind = Kind::none;
  PingpongRequest pingpong;                  // pingpong
  CheckRequest check;                        // check
  SweepRequest sweep;                        // run
  std::optional<std::filesystem::path> out;  // run: where the JSON goes
  bool force = false;                        // run: overwrite --out
  bool plan = false;                         // run: describe the sweep, run nothing
  bool wide = false;                         // run: every column of the table (TableOptions)
  ConsoleFormat format = ConsoleFormat::table;  // run: what stdout gets (console_formats.hpp)
  bool json = false;                         // list: machine-readable
  std::optional<ScenarioInfo> scenario;      // run: the scenario file it came from
};

// Builds the parser into `app` and returns the Command it fills. Call
// parse(argc, argv), then finish() to validate what CLI11 cannot.
struct CommandLine {
  CLI::App app{"qbench: run concurrent queues through producer/consumer sweeps and validate every run"};
  Command command;
  // Raw strings, checked by finish(). run's options are the option table's
  // (model/options.hpp): what the command line gave, by option_index(Opt).
  std::array<std::string, kOptionCount> run_options;
  std::optional<std::size_t> capacity;
  std::string capacity_text;                 // pingpong's --capacity
  std::string pp_round_trips = "100000", pp_warmup_trips = "10000";
  std::string out;
  std::string pp_queue = "sequence_ring", pp_cpus, pp_timeout = "120s";
  std::string scenario;
  std::vector<std::string> plugins;          // --plugin, any command
  std::vector<std::string> check_queues;     // check's positional names and globs
  std::string check_items = "20000", check_timeout = "5s", check_threads = "4";

  CommandLine();
  // app.parse(), with every CLI11 error put in qbench's words, one line, as a
  // UsageError (cli_errors.cpp): an unknown option with the closest one, an
  // option given twice, a value missing. --help and --version come through
  // as CLI11's CallForHelp, CallForAllHelp and CallForVersion.
  void parse(int argc, const char* const* argv);
  void finish();  // throws UsageError

 private:
  // Reads the scenario file: its options' values where the command line
  // left them unset, and what only a file gives (workloads, elastic).
  void apply_scenario();
  void finish_run();
  // Each option's text: the command line's, the scenario file's, or the
  // default (nullopt: none of them).
  std::optional<std::string> option_text(Opt id) const;
  bool given(Opt id) const;
  // How an error names the value of `option`: the option itself, or the
  // scenario file and key it came from.
  std::string label(const std::string& option) const;
  void add_check_command(const char* plugin_help);  // cli_check.cpp
  void finish_check();                              // cli_check.cpp
  CLI::App* run_ = nullptr;
  CLI::App* pingpong_ = nullptr;
  CLI::App* check_ = nullptr;
  std::map<std::string, std::string> from_scenario_;  // option -> "FILE: key"
  std::array<std::optional<std::string>, kOptionCount> from_file_;  // the scenario file's texts
};

// "1x1,4x4,8x1" -> {(1,1), (4,4), (8,1)}: producers x consumers, each in
// [1, max], no pair twice.
std::vector<std::pair<int, int>> parse_shapes(std::string_view option, std::string_view text, int max_producers,
                                              int max_consumers);

// "1,2,4-8" -> {1,2,4,5,6,7,8}; every value in [1, max].
std::vector<int> parse_counts(std::string_view option, std::string_view text, int max);
// Names, globs and exclusions over the registry (queue_patterns.hpp).
std::vector<std::string> parse_queue_names(std::string_view text);

}  // namespace qb
