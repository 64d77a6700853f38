// A user's first hour (issue 26), through the real qbench: every mistake is
// one line in qbench's words naming the value and the closest valid one,
// exit 2 and no file; --help fits the terminal and says what each value is;
// scenarios are found by the names `qbench list` shows.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/app/cli.hpp"
#include "harness/model/closest_name.hpp"
#include "harness/sweep/scenario.hpp"
#include "tests/qbench_process.hpp"

namespace {

namespace fs = std::filesystem;
using qb::test::Outcome;
using qb::test::run_qbench;
using qb::test::scratch_dir;

using qb::test::lines_of;

// CLI11's phrases, none of which a user should meet.
const std::vector<std::string> kParserWords = {"The following argument", "At Most", "At least", "is required",
                                               "required TEXT missing", "Could not convert", "flag override",
                                               "Run with --help", "not expected"};

// Exit 2, exactly `line` on stderr, nothing on stdout, no file at `out`.
void expect_refused(const Outcome& r, const std::string& line, const fs::path& out = {}) {
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_EQ(r.err, "qbench: " + line + "\n");
  EXPECT_EQ(r.out, "");
  for (const auto& words : kParserWords) EXPECT_EQ(r.err.find(words), std::string::npos) << r.err;
  if (!out.empty()) {
    EXPECT_FALSE(fs::exists(out)) << out;
  }
}

TEST(Friction, a_duration_without_a_unit_is_refused_suggesting_the_units) {
  const auto out = scratch_dir() / "unitless.json";
  fs::remove(out);
  for (const char* flag : {"--duration", "--warmup", "--timeout"}) {
    SCOPED_TRACE(flag);
    // --plan: before the change this planned 200 s, and ran nothing.
    expect_refused(run_qbench({"run", "-q", "sequence_ring", flag, "200", "--plan", "--out", out.string()}),
                   std::string(flag) + ": '200' has no unit; did you mean 200ms or 200s?", out);
  }
  expect_refused(run_qbench({"pingpong", "--timeout", "3"}), "--timeout: '3' has no unit; did you mean 3ms or 3s?");
  expect_refused(run_qbench({"check", "sequence_ring", "--timeout", "5"}),
                 "--timeout: '5' has no unit; did you mean 5ms or 5s?");
  // Zero is zero in every unit.
  EXPECT_EQ(run_qbench({"run", "-q", "sequence_ring", "--warmup", "0", "--plan"}).status, 0);
}

TEST(Friction, a_scenario_files_duration_is_a_string_with_its_unit_or_a_number_of_seconds) {
  using nlohmann::json;
  const json base{{"name", "t"}, {"description", "throughput: a test"}, {"queues", json::array({"sequence_ring"})}};
  const auto command = [&](const json& doc) {
    const auto path = scratch_dir() / "durations.json";
    std::ofstream(path) << doc.dump();
    qb::CommandLine cli;
    const std::vector<std::string> args{"qbench", "run", "--scenario", path.string()};
    std::vector<const char*> argv;
    for (const auto& a : args) argv.push_back(a.c_str());
    cli.parse(static_cast<int>(argv.size()), argv.data());
    cli.finish();
    return cli.command;
  };
  json with_number = base, with_text = base, bare = base;
  with_number["warmup"] = 0.25;
  with_text["warmup"] = "250ms";
  bare["warmup"] = "250";
  EXPECT_EQ(command(with_number).sweep.base.warmup, std::chrono::milliseconds(250));
  EXPECT_EQ(command(with_text).sweep.base.warmup, std::chrono::milliseconds(250));
  try {
    command(bare);
    FAIL() << "a string without a unit was taken";
  } catch (const qb::UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("warmup: '250' has no unit; did you mean 250ms or 250s?"), std::string::npos)
        << e.what();
  }
  json idle = base;
  idle["workload"] = {{"kind", "burst"}, {"burst_items", 100}, {"idle", "20"}};
  EXPECT_THROW(qb::parse_scenario(idle, "t.json"), qb::UsageError);
}

TEST(Friction, an_unknown_option_or_command_is_one_line_with_the_closest_name) {
  const auto out = scratch_dir() / "unknown-option.json";
  fs::remove(out);
  expect_refused(run_qbench({"run", "--placment", "scatter", "--out", out.string()}),
                 "unknown option --placment; did you mean --placement?", out);
  expect_refused(run_qbench({"run", "--placment=scatter"}), "unknown option --placment; did you mean --placement?");
  expect_refused(run_qbench({"run", "--dur", "1s"}), "unknown option --dur; did you mean --duration?");
  expect_refused(run_qbench({"list", "--jsno"}), "unknown option --jsno; did you mean --json?");
  expect_refused(run_qbench({"run", "--zzzzzz"}), "unknown option --zzzzzz ('qbench run --help' lists them)");
  expect_refused(run_qbench({"rnu"}), "unknown command 'rnu'; did you mean run?");
  expect_refused(run_qbench({}), "a command is needed: list, run, pingpong, check ('qbench --help' says what each does)");
  expect_refused(run_qbench({"check"}), "qbench check needs QUEUES... ('qbench check --help')");
  expect_refused(run_qbench({"run", "-q", "sequence_ring", "--duration"}),
                 "--duration needs a value (DURATION, e.g. --duration 1s)");
  expect_refused(run_qbench({"run", "--out="}), "--out needs a value (PATH)");
  expect_refused(run_qbench({"run", "--force=maybe"}), "--force takes no value");
  expect_refused(run_qbench({"run", "-q", "sequence_ring", "extra"}),
                 "qbench run: unexpected argument 'extra' (an option's value follows its option: 'qbench run --help')");
}

TEST(Friction, an_option_given_twice_is_named_with_both_values) {
  expect_refused(run_qbench({"run", "--duration", "1s", "--duration", "2s"}),
                 "--duration given twice (1s, 2s); give it once");
  expect_refused(run_qbench({"run", "-d", "1s", "--duration=2s", "-d", "3s"}),
                 "--duration given 3 times (1s, 2s, 3s); give it once");
  expect_refused(run_qbench({"pingpong", "-q", "sequence_ring", "-q", "mutex_deque"}),
                 "--queue given twice (sequence_ring, mutex_deque); give it once");
}

TEST(Friction, an_unknown_name_gets_the_closest_queue_key_workload_or_choice) {
  for (const auto& [command, typed, meant] : {std::tuple{"run", "sequence-ring", "sequence_ring"},
                                               std::tuple{"pingpong", "mutex-deque", "mutex_deque"}}) {
    const auto r = run_qbench({command, "-q", typed});
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_TRUE(r.err.starts_with(std::string("qbench: --queue: unknown queue '") + typed + "'; did you mean " + meant +
                                  "? ('qbench list' shows all "))
        << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_LE(r.err.size(), 120u) << "one short line, not every name: " << r.err;
  }
  expect_refused(run_qbench({"run", "-q", "sequence_ring", "--placement", "scater"}),
                 "--placement: 'scater' is not one of compact, scatter, none; did you mean scatter?");
  expect_refused(run_qbench({"run", "-q", "sequence_ring", "--wait", "spin,blok"}),
                 "--wait: 'blok' is not one of spin, pause, backoff, block; did you mean block?");

  using nlohmann::json;
  const json base{{"name", "t"}, {"description", "throughput: a test"}};
  const auto error_of = [](const json& doc) {
    try {
      qb::parse_scenario(doc, "t.json");
    } catch (const qb::UsageError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  json key = base, kind = base, lane_key = base, far = base;
  key["warmpu"] = "10ms";
  json abbreviated = base;
  abbreviated["workload"] = {{"kind", "paced"}, {"rate", 1000}};
  kind["workload"] = {{"kind", "pacd"}, {"rate_per_s", 1000}};
  lane_key["workload"] = {{"kind", "paced"}, {"rate_per_s", 1000}, {"zzzz", 5}};
  far["zzzzzz"] = 1;
  EXPECT_EQ(error_of(key), "t.json: warmpu: unknown key in a scenario; did you mean warmup?");
  EXPECT_EQ(error_of(abbreviated), "t.json: workload.rate: unknown key for a paced workload; did you mean rate_per_s?");
  EXPECT_EQ(error_of(kind), "t.json: workload.kind: 'pacd' is not a workload; did you mean paced?");
  EXPECT_EQ(error_of(lane_key),
            "t.json: workload.zzzz: unknown key for a paced workload (keys: kind, label, rate_per_s, "
            "consumer_work_ns, sample_interval)");
  const std::string listed = error_of(far);
  EXPECT_TRUE(listed.starts_with("t.json: zzzzzz: unknown key in a scenario (keys: name, description,")) << listed;
}

TEST(Friction, a_closest_name_is_a_near_miss_or_an_abbreviation_never_a_guess) {
  const std::vector<std::string> names{"placement", "payload-bytes", "duration", "items", "items-per-producer"};
  EXPECT_EQ(qb::closest_name("placment", names), "placement");
  EXPECT_EQ(qb::closest_name("Placement", names), "placement");
  EXPECT_EQ(qb::closest_name("dur", names), "duration");
  EXPECT_EQ(qb::closest_name("item", names), "items");
  EXPECT_EQ(qb::closest_name("ite", names), std::nullopt) << "an abbreviation of two names";
  EXPECT_EQ(qb::closest_name("xyz", names), std::nullopt);
  EXPECT_EQ(qb::closest_name("", names), std::nullopt);
  EXPECT_EQ(qb::did_you_mean("duratoin", names), "; did you mean duration?");
  EXPECT_EQ(qb::edit_distance("rnu", "run"), 1u) << "a swap is one edit";
  EXPECT_EQ(qb::edit_distance("sequence-ring", "sequence_ring"), 1u);
  EXPECT_EQ(qb::edit_distance("", "abc"), 3u);
}

// Runs `body` with the working directory set to `dir`, as a user in a copy
// of the tree would run qbench.
template <class F>
void in_directory(const fs::path& dir, F body) {
  const auto was = fs::current_path();
  fs::current_path(dir);
  body();
  fs::current_path(was);
}

TEST(Friction, a_scenario_is_found_by_the_name_list_shows_once_from_a_copy_of_the_tree) {
  const auto r = run_qbench({"run", "-s", "quick", "-q", "sequence_ring", "--plan"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(r.out.starts_with("plan: 6 points")) << r.out;  // quick's 3 producer x 2 consumer counts
  EXPECT_EQ(run_qbench({"run", "-s", "quick.json", "-q", "sequence_ring", "--plan"}).status, 0);
  EXPECT_EQ(run_qbench({"run", "-s", QB_SOURCE_DIR "/scenarios/quick.json", "-q", "sequence_ring", "--plan"}).status,
            0);
  expect_refused(run_qbench({"run", "-s", "quik"}),
                 "--scenario: no file or scenario named 'quik'; did you mean quick? ('qbench list' shows them)");
  expect_refused(run_qbench({"run", "-s", "nowhere/quick.json"}), "--scenario: cannot read 'nowhere/quick.json'");

  // A copy of scenarios/ in the working directory: each name once, the
  // copy's file, which -s NAME then reads (its quick runs 3 repetitions).
  const auto tree = scratch_dir() / "tree-copy";
  fs::remove_all(tree);
  fs::create_directories(tree);
  fs::copy(fs::path(QB_SOURCE_DIR) / "scenarios", tree / "scenarios");
  auto quick = nlohmann::json::parse(std::ifstream(tree / "scenarios" / "quick.json"));
  quick["repetitions"] = 3;
  std::ofstream(tree / "scenarios" / "quick.json") << quick.dump();
  in_directory(tree, [&] {
    const auto list = run_qbench({"list"});
    ASSERT_EQ(list.status, 0) << list.err;
    const auto lines = lines_of(list.out);
    const auto head = std::find(lines.begin(), lines.end(), "scenarios (qbench run -s NAME):");
    ASSERT_NE(head, lines.end()) << list.out;
    std::vector<std::string> names;
    for (auto line = head + 1; line != lines.end(); ++line) {
      std::istringstream words(*line);
      std::string name, path;
      words >> name >> path;
      names.push_back(name);
      EXPECT_EQ(path, fs::weakly_canonical(tree / "scenarios" / (name + ".json")).string()) << *line;
    }
    EXPECT_EQ(names.size(), static_cast<std::size_t>(std::distance(fs::directory_iterator(tree / "scenarios"),
                                                                   fs::directory_iterator())));
    EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
    EXPECT_EQ(std::adjacent_find(names.begin(), names.end()), names.end()) << "a scenario listed twice";
    const auto plan = run_qbench({"run", "-s", "quick", "-q", "sequence_ring", "--plan"});
    EXPECT_NE(plan.out.find("; 3 repetitions each"), std::string::npos) << plan.out << plan.err;
  });
  fs::remove_all(tree);
}

TEST(Friction, a_sweep_whose_every_point_is_skipped_exits_2_and_writes_nothing) {
  const auto out = scratch_dir() / "all-skipped.json";
  fs::remove(out);
  for (const char* plan : {"--out", "--plan"}) {
    SCOPED_TRACE(plan);
    std::vector<std::string> args{"run", "-q", "mpsc_elastic", "-c", "2,3", "--items", "1000", "--out", out.string()};
    if (std::string(plan) == "--plan") args.push_back("--plan");
    expect_refused(run_qbench(args),
                   "nothing to run: all 2 points were skipped (queue allows one consumer: run/mpsc_elastic/p1c2 and "
                   "1 more)",
                   out);
  }
  expect_refused(run_qbench({"run", "-q", "mpsc_elastic", "-c", "2", "--items", "1000"}),
                 "nothing to run: its one point was skipped (queue allows one consumer: run/mpsc_elastic/p1c2)");
}

TEST(Friction, plan_refuses_the_out_that_the_run_would_refuse) {
  const auto out = scratch_dir() / "plan-exists.json";
  { std::ofstream(out) << "keep me"; }
  const std::vector<std::string> args{"run", "-q", "sequence_ring", "--plan", "--out", out.string()};
  expect_refused(run_qbench(args), "--out: '" + out.string() + "' exists; pass --force to overwrite");
  auto forced = args;
  forced.push_back("--force");
  EXPECT_EQ(run_qbench(forced).status, 0);
  std::string content;
  std::getline(std::ifstream(out), content);
  EXPECT_EQ(content, "keep me") << "--plan wrote to --out";
  expect_refused(run_qbench({"run", "-q", "sequence_ring", "--plan", "--out", "/nonexistent-dir/x.json"}),
                 "--out: '/nonexistent-dir/x.json': directory '/nonexistent-dir' does not exist");
}

TEST(Friction, help_fits_the_width_and_names_each_values_type_and_default) {
  for (const char* columns : {"80", "60"}) {
    ::setenv("COLUMNS", columns, 1);
    const auto width = static_cast<std::size_t>(std::stoi(columns));
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"--help"}, {"--help-all"}, {"run", "--help"}, {"list", "--help"}, {"pingpong", "--help"},
             {"check", "--help"}}) {
      SCOPED_TRACE(args.front() + " " + args.back() + " at " + columns);
      const auto r = run_qbench(args);
      ASSERT_EQ(r.status, 0) << r.err;
      for (const auto& line : lines_of(r.out)) {
        EXPECT_LE(line.size(), width) << line;
        EXPECT_EQ(line.find(" TEXT"), std::string::npos) << line;
        EXPECT_EQ(line.find("{false}"), std::string::npos) << line;
        EXPECT_EQ(line.find("{true}"), std::string::npos) << line;
      }
    }
  }
  ::setenv("COLUMNS", "80", 1);
  const auto help = run_qbench({"run", "--help"}).out;
  ::unsetenv("COLUMNS");
  for (const char* shown : {"-r,--repetitions N", "(default: 5)", "-d,--duration DURATION", "(default: 1s)",
                            "--placement compact|scatter|none", "--timeout DURATION|auto", "-o,--out PATH",
                            "-s,--scenario NAME|PATH", "DURATION: a number and its unit"}) {
    EXPECT_NE(help.find(shown), std::string::npos) << shown << " in\n" << help;
  }
}

}  // namespace
