// Scenario files: every malformed file is refused with its file, the key's
// path and the reason; every file in scenarios/ is accepted by the command
// line; command-line flags override the file's fields; and every scenario
// runs (briefly) and writes results that carry its workload.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/app/cli.hpp"
#include "harness/sweep/scenario.hpp"
#include "queues/peers/catalog.hpp"
#include "tests/qbench_process.hpp"

namespace qb::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

fs::path scenarios_dir() { return fs::path(QB_SOURCE_DIR) / "scenarios"; }

json minimal() { return json{{"name", "t"}, {"description", "throughput: a test"}}; }

json minimal_with(const json& fields) {
  json d = minimal();
  d.update(fields);
  return d;
}

struct Malformed {
  const char* what;
  json doc;
  const char* expected;  // a fragment of the message: the key's path and reason
};

std::vector<Malformed> malformed_cases() {
  auto with = [](std::initializer_list<std::pair<const char*, json>> fields) {
    json d = minimal();
    for (const auto& [k, v] : fields) d[k] = v;
    return d;
  };
  auto lanes = [](json l0_weight) {
    return json::array({{{"name", "high"}, {"soft_capacity", 10}, {"weight", l0_weight}},
                        {{"name", "normal"}, {"soft_capacity", 10}}, {{"name", "low"}, {"soft_capacity", 10}}});
  };
  json no_description = minimal();
  no_description.erase("description");
  return {
      {"not_an_object", json::array({1, 2}), "(top level): expected an object, got an array"},
      {"unknown_key", with({{"colour", "red"}}), "colour: unknown key in a scenario"},
      {"missing_description", no_description, "description: missing"},
      {"name_with_slash", with({{"name", "a/b"}}), "name: 'a/b' must be non-empty"},
      {"producers_wrong_type", with({{"producers", true}}), "producers: expected a count"},
      {"producers_zero", with({{"producers", json::array({1, 0})}}), "producers[1]: '0' is zero (at least 1)"},
      {"queues_empty", with({{"queues", json::array()}}), "queues: expected \"all\" or a non-empty array"},
      {"duration_and_items", with({{"duration", "1s"}, {"items", 10}}), "items: a scenario gives one of duration"},
      {"shapes_and_producers", with({{"producers", 2}, {"shapes", json::array({"1x1"})}}),
       "shapes: a scenario gives shapes or producers/consumers, not both"},
      {"shapes_empty", with({{"shapes", json::array()}}), "shapes: expected a non-empty array of \"PxC\" strings"},
      {"shapes_not_strings", with({{"shapes", json::array({1})}}), "shapes[0]: expected a string"},
      {"repetitions_negative", with({{"repetitions", -1}}), "repetitions: '-1' is negative"},
      // Numbers: the command line's grammar and bounds (numbers.hpp), never wrapped or truncated.
      {"repetitions_fraction", with({{"repetitions", 2.5}}), "repetitions: '2.5' is not a whole number"},
      {"repetitions_too_many", with({{"repetitions", 1001}}), "repetitions: '1001' is above 1000"},
      {"items_zero", with({{"items", 0}}), "items: '0' is zero (at least 1)"},
      {"capacity_negative", with({{"capacity", -1}}), "capacity: '-1' is negative"},
      {"capacity_past_the_bound", with({{"capacity", std::uint64_t{1} << 41}}), "capacity: '2199023255552' is above"},
      {"payload_past_an_int", with({{"payload_bytes", std::uint64_t{10000000000}}}),
       "payload_bytes: '10000000000' is above 1048576"},
      {"seed_fraction", with({{"seed", 1.5}}), "seed: '1.5' is not a whole number"},
      {"seed_as_text", with({{"seed", "7"}}), "seed: expected a whole number, got a string"},
      {"op_period_past_the_bound", with({{"op_sample_period", std::uint64_t{1} << 33}}), "op_sample_period: '8589934592' is above"},
      {"rate_past_the_bound", with({{"workload", {{"kind", "paced"}, {"rate_per_s", 1e300}}}}),
       "workload.rate_per_s: 1e+300 is above 1e10 items/s"},
      {"idle_past_a_day", with({{"workload", {{"kind", "burst"}, {"burst_items", 5}, {"idle", 1e300}}}}),
       "workload.idle: '1e+300s' is longer than 24h"},
      {"unknown_workload", with({{"workload", {{"kind", "turbo"}}}}), "workload.kind: 'turbo' is not a workload"},
      {"workload_without_kind", with({{"workload", json::object()}}), "workload: missing key \"kind\""},
      {"paced_without_rate", with({{"workload", {{"kind", "paced"}}}}), "workload: missing key \"rate_per_s\""},
      {"paced_zero_rate", with({{"workload", {{"kind", "paced"}, {"rate_per_s", 0}}}}), "workload.rate_per_s: must be > 0"},
      {"key_of_another_kind", with({{"workload", {{"kind", "paced"}, {"rate_per_s", 10}, {"give_up_after", 5}}}}),
       "workload.give_up_after: unknown key for a paced workload"},
      {"threshold_out_of_range",
       with({{"workload", {{"kind", "admission"}, {"soft_capacity", 10}, {"backpressure_threshold", 1.5}}}}),
       "workload.backpressure_threshold: must be in (0, 1]"},
      {"two_lanes", with({{"workload", {{"kind", "priority_lanes"}, {"policy", "fair"}, {"lanes", json::array({1, 2})}}}}),
       "workload.lanes: expected an array of 3 lanes"},
      {"lane_out_of_order",
       with({{"workload", {{"kind", "priority_lanes"}, {"policy", "strict"},
                           {"lanes", json::array({{{"name", "low"}}, {{"name", "normal"}}, {{"name", "high"}}})}}}}),
       "workload.lanes[0].name: expected 'high'"},
      {"negative_weight", with({{"workload", {{"kind", "priority_lanes"}, {"policy", "strict"}, {"lanes", lanes(-1)}}}}),
       "workload.lanes[0].weight: must be >= 0"},
      {"fair_k_with_strict",
       with({{"workload", {{"kind", "priority_lanes"}, {"policy", "strict"}, {"fair_k", 4}, {"lanes", lanes(1)}}}}),
       "workload.fair_k: only a fair policy takes fair_k"},
      {"bad_policy", with({{"workload", {{"kind", "priority_lanes"}, {"policy", "random"}, {"lanes", lanes(1)}}}}),
       "workload.policy: 'random' is not strict or fair"},
      {"give_up_zero", with({{"workload", {{"kind", "give_up"}, {"give_up_after", 0}}}}),
       "workload.give_up_after: '0' is zero (at least 1)"},
      {"burst_with_items", with({{"items", 10}, {"workload", {{"kind", "burst"}, {"burst_items", 5}, {"idle", "1ms"}}}}),
       "items: a burst workload runs for a duration"},
      {"burst_bad_idle", with({{"workload", {{"kind", "burst"}, {"burst_items", 5}, {"idle", "soon"}}}}),
       "workload.idle: 'soon' is not a duration"},
      {"paced_with_big_payload", with({{"payload_bytes", 64}, {"workload", {{"kind", "paced"}, {"rate_per_s", 10}}}}),
       "payload_bytes: a paced workload moves 8-byte items"},
      {"admission_with_ops_latency",
       with({{"latency", "ops"}, {"workload", {{"kind", "admission"}, {"soft_capacity", 10}}}}),
       "latency: a admission workload records e2e latency only"},
      {"pingpong_with_producers", with({{"producers", 2}, {"workload", {{"kind", "pingpong"}}}}),
       "producers: a pingpong scenario runs one sender and one echo"},
      {"pingpong_bad_pair", with({{"workload", {{"kind", "pingpong"}, {"pairs", json::array({"middle"})}}}}),
       "workload.pairs[0]: 'middle' is not near or far"},
      {"elastic_min_above_max", with({{"elastic", {{"min_capacity", 100}, {"initial_capacity", 100}, {"max_capacity", 10}}}}),
       "elastic: elastic config: need min_capacity <= initial_capacity <= max_capacity"},
      {"elastic_unknown_key", with({{"elastic", {{"grow", 2}}}}), "elastic.grow: unknown key in an elastic config"},
      {"both_workload_and_workloads", with({{"workload", {{"kind", "throughput"}}}, {"workloads", json::array()}}),
       "workloads: give either workload or workloads"},
      {"variant_without_label",
       with({{"workloads", json::array({{{"kind", "throughput"}, {"label", "a"}}, {{"kind", "throughput"}}})}}),
       "workloads[1]: missing key \"label\""},
      {"wait_not_a_name", with({{"wait", 3}}), "wait: expected a name or a non-empty array of names, got an integer"},
      {"wait_empty_array", with({{"wait", json::array()}}), "wait: expected a name or a non-empty array of names, got an empty array"},
      {"wait_array_with_a_number", with({{"wait", json::array({"spin", 3})}}), "wait[1]: expected a string, got an integer"},
      {"duplicate_label",
       with({{"workloads", json::array({{{"kind", "throughput"}, {"label", "a"}}, {{"kind", "throughput"}, {"label", "a"}}})}}),
       "workloads[1].label: 'a' is used twice"},
  };
}

class MalformedScenario : public ::testing::TestWithParam<Malformed> {};

TEST_P(MalformedScenario, is_refused_with_the_file_the_key_path_and_the_reason) {
  const Malformed& m = GetParam();
  try {
    parse_scenario(m.doc, "bad.json");
    FAIL() << "accepted: " << m.doc.dump();
  } catch (const UsageError& e) {
    const std::string msg = e.what();
    EXPECT_EQ(msg.rfind("bad.json: ", 0), 0u) << msg;
    EXPECT_NE(msg.find(m.expected), std::string::npos) << "expected '" << m.expected << "' in: " << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
  }
}

INSTANTIATE_TEST_SUITE_P(Scenario, MalformedScenario, ::testing::ValuesIn(malformed_cases()),
                         [](const auto& param_info) { return std::string(param_info.param.what); });

fs::path write_file(const std::string& name, const std::string& text) {
  const auto path = scratch_dir() / name;
  std::ofstream(path) << text;
  return path;
}

TEST(Scenario, file_that_is_not_json_is_refused_with_the_parser_position) {
  const auto path = write_file("broken.json", "{\"name\": \"x\",\n  \"description\": }");
  try {
    load_scenario(path);
    FAIL() << "accepted";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("not valid JSON"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("line 2"), std::string::npos) << e.what();
  }
}

TEST(Scenario, a_number_past_a_doubles_range_is_refused_in_one_line_not_an_abort) {
  const auto path = write_file("huge.json", "{\"name\": \"x\", \"description\": \"y\", \"repetitions\": 1e999}");
  try {
    load_scenario(path);
    FAIL() << "accepted";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("huge.json: not valid JSON"), std::string::npos) << e.what();
  }
  const auto r = run_qbench({"run", "--scenario", path.string(), "--out", (scratch_dir() / "huge-out.json").string()});
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_FALSE(fs::exists(scratch_dir() / "huge-out.json"));
}

// The command line's own checks name the file and key when the value came from the file.
TEST(Scenario, values_from_the_file_are_checked_by_the_command_line_and_named_by_key) {
  const auto path = write_file("queues.json", minimal_with({{"queues", json::array({"no_such_queue"})}}).dump());
  const auto r = run_qbench({"run", "--scenario", path.string(), "--out", (scratch_dir() / "never.json").string()});
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_NE(r.err.find("no_such_queue"), std::string::npos) << r.err;
  const auto path2 = write_file("producers.json", minimal_with({{"producers", "1-x"}}).dump());
  const auto r2 = run_qbench({"run", "--scenario", path2.string()});
  EXPECT_EQ(r2.status, 2) << r2.err;
  EXPECT_NE(r2.err.find("producers.json: producers: '1-x'"), std::string::npos) << r2.err;
  EXPECT_EQ(std::count(r2.err.begin(), r2.err.end(), '\n'), 1) << r2.err;
  EXPECT_FALSE(fs::exists(scratch_dir() / "never.json"));
}

TEST(Scenario, elastic_config_needs_a_queue_that_takes_one) {
  const auto path = write_file("elastic.json", minimal_with({{"queues", json::array({"segmented"})}, {"elastic", {{"max_capacity", 4096}}}}).dump());
  const auto r = run_qbench({"run", "--scenario", path.string()});
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_NE(r.err.find("elastic: none of the queues (segmented) takes an elastic config"), std::string::npos) << r.err;
}

std::vector<fs::path> scenario_files() {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(scenarios_dir())) {
    if (e.path().extension() == ".json") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// A queue the file names that this build leaves out (a TSan-blind peer in a
// ThreadSanitizer build, which the command line rightly refuses), or "".
std::string left_out_queue_named_by(const fs::path& file) {
  std::ifstream in(file);
  const json doc = json::parse(in);
  if (!doc.contains("queues") || !doc["queues"].is_array()) return {};
  for (const auto& q : doc["queues"]) {
    if (q.is_string() && peers::left_out_here(q.get<std::string>())) return q.get<std::string>();
  }
  return {};
}

TEST(Scenario, every_file_in_scenarios_is_accepted_by_the_command_line) {
  const auto files = scenario_files();
  ASSERT_GE(files.size(), 10u);
  for (const auto& file : files) {
    SCOPED_TRACE(file.string());
    if (const std::string left_out = left_out_queue_named_by(file); !left_out.empty()) {
      std::cout << file.filename().string() << ": not parsed here, it names " << left_out
                << ", which this build leaves out\n";
      continue;
    }
    CommandLine cli;
    std::vector<std::string> args{"qbench", "run", "--scenario", file.string()};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    ASSERT_NO_THROW({
      cli.app.parse(static_cast<int>(argv.size()), argv.data());
      cli.finish();
    });
    ASSERT_TRUE(cli.command.scenario.has_value());
    EXPECT_EQ(cli.command.scenario->name, file.stem().string());
    EXPECT_FALSE(cli.command.scenario->description.empty());
    EXPECT_FALSE(cli.command.scenario->source.empty());
  }
}

TEST(Scenario, command_line_flags_override_the_files_fields) {
  CommandLine cli;
  const std::string file = (scenarios_dir() / "mutex-vs-segmented.json").string();
  std::vector<std::string> args{"qbench", "run", "--scenario", file, "-q", "segmented", "-p", "2", "-d", "300ms"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  cli.app.parse(static_cast<int>(argv.size()), argv.data());
  cli.finish();
  const SweepRequest& s = cli.command.sweep;
  EXPECT_EQ(s.queues, std::vector<std::string>{"segmented"});
  EXPECT_EQ(s.producers, std::vector<int>{2});
  EXPECT_EQ(s.consumers, std::vector<int>{4});  // from the file
  EXPECT_EQ(s.base.items, 0u);                  // --duration replaced the file's items
  EXPECT_EQ(s.base.duration, std::chrono::milliseconds(300));
  EXPECT_EQ(s.repetitions, 5);                  // from the file
  EXPECT_EQ(s.id_prefix, "mutex-vs-segmented");
}

SweepRequest parsed(std::vector<std::string> args) {
  CommandLine cli;
  args.insert(args.begin(), {"qbench", "run"});
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  cli.app.parse(static_cast<int>(argv.size()), argv.data());
  cli.finish();
  return cli.command.sweep;
}

TEST(Scenario, shapes_run_exactly_those_pairs_in_order_and_the_command_line_replaces_them) {
  const auto path = write_file("shapes.json", minimal_with({{"queues", json::array({"sequence_ring"})},
                                                            {"shapes", json::array({"4x4", "1x1", "8x1"})}}).dump());
  const SweepRequest s = parsed({"--scenario", path.string()});
  const std::vector<std::pair<int, int>> want{{4, 4}, {1, 1}, {8, 1}};
  EXPECT_EQ(s.shapes, want);
  std::vector<std::string> ids;
  for (const auto& point : plan_sweep(s).points) ids.push_back(point.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"t/sequence_ring/p4c4", "t/sequence_ring/p1c1", "t/sequence_ring/p8c1"}));
  // -p/-c on the command line replace the file's shapes, and --shapes a file's counts.
  const SweepRequest counts = parsed({"--scenario", path.string(), "-p", "2", "-c", "3"});
  EXPECT_TRUE(counts.shapes.empty());
  EXPECT_EQ(counts.producers, std::vector<int>{2});
  EXPECT_EQ(counts.consumers, std::vector<int>{3});
  const auto path2 = write_file("counts.json", minimal_with({{"producers", "1-4"}}).dump());
  const SweepRequest shaped = parsed({"--scenario", path2.string(), "--shapes", "2x2"});
  EXPECT_EQ(shaped.shapes, (std::vector<std::pair<int, int>>{{2, 2}}));
  EXPECT_EQ(plan_sweep(shaped).points.size(), plan_sweep(parsed({"--shapes", "2x2", "-q", "all"})).points.size());
}

// A list of waits runs every point once per wait, the wait in its id after
// any workload label; one wait plans exactly what it planned before lists.
TEST(Scenario, a_wait_list_plans_every_point_once_per_wait_and_the_id_says_which) {
  const auto path = write_file("waits.json", minimal_with({{"queues", json::array({"sequence_ring", "mutex_deque"})},
                                                           {"wait", json::array({"spin", "block"})}}).dump());
  const SweepRequest s = parsed({"--scenario", path.string()});
  EXPECT_EQ(s.waits, (std::vector<WaitMode>{WaitMode::spin, WaitMode::block}));
  std::vector<std::string> ids;
  for (const auto& point : plan_sweep(s).points) {
    ids.push_back(point.id);
    EXPECT_EQ(point.params.wait, point.id.starts_with("t.block/") ? WaitMode::block : WaitMode::spin) << point.id;
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"t.spin/sequence_ring/p1c1", "t.spin/mutex_deque/p1c1",
                                           "t.block/sequence_ring/p1c1", "t.block/mutex_deque/p1c1"}));
  // The command line's list replaces the file's, and one wait keeps the plain ids.
  const auto one = plan_sweep(parsed({"--scenario", path.string(), "--wait", "block"})).points;
  ASSERT_EQ(one.size(), 2u);
  EXPECT_EQ(one[0].id, "t/sequence_ring/p1c1");
  EXPECT_EQ(one[0].params.wait, WaitMode::block);
  // With workload variants: "<name>.<label>.<wait>/...".
  const auto path2 = write_file("variants.json",
      minimal_with({{"queues", json::array({"sequence_ring"})},
                    {"workloads", json::array({{{"kind", "throughput"}, {"label", "a"}},
                                               {{"kind", "paced"}, {"label", "b"}, {"rate_per_s", 1000}}})}}).dump());
  std::vector<std::string> variant_ids;
  for (const auto& point : plan_sweep(parsed({"--scenario", path2.string(), "--wait", "pause,block"})).points) {
    variant_ids.push_back(point.id);
  }
  EXPECT_EQ(variant_ids, (std::vector<std::string>{"t.a.pause/sequence_ring/p1c1", "t.a.block/sequence_ring/p1c1",
                                                   "t.b.pause/sequence_ring/p1c1", "t.b.block/sequence_ring/p1c1"}));
  // A bad name in the file's list is the command line's error, naming the file and key.
  const auto bad = write_file("bad-wait.json", minimal_with({{"wait", json::array({"spin", "blok"})}}).dump());
  const auto r = run_qbench({"run", "--scenario", bad.string(), "--plan"});
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_NE(r.err.find("bad-wait.json: wait: 'blok' is not one of spin, pause, backoff, block; did you mean block?"),
            std::string::npos) << r.err;
}

// Each scenario, shrunk to one short point per queue, runs and writes
// results whose runs carry the scenario's workload and its metrics.
TEST(Scenario, every_scenario_runs_briefly_and_its_output_validates) {
#if defined(QB_UNDER_SANITIZER)
  GTEST_SKIP() << "release only: a run of every scenario is too slow under a sanitizer";
#endif
  for (const auto& file : scenario_files()) {
    SCOPED_TRACE(file.string());
    const auto out = scratch_dir() / (file.stem().string() + ".out.json");
    fs::remove(out);
    json spec = json::parse(std::ifstream(file));
    const std::string kind = spec.contains("workload") ? spec["workload"].value("kind", "throughput") : "throughput";
    fs::path run_file = file;
    if (kind == "pingpong") {  // no flag sets the round trips: a copy with fewer, same name
      spec["workload"]["round_trips"] = 2000;
      spec["workload"]["warmup_trips"] = 100;
      run_file = scratch_dir() / file.filename();
      std::ofstream(run_file) << spec.dump();
    }
    std::vector<std::string> args{"run", "--scenario", run_file.string(), "-r", "1", "--warmup", "10ms", "--out", out.string()};
    // "all" is every queue and peer: three of ours stand for them here, the
    // stress suites cover the rest.
    if (spec.value("queues", json("all")) == "all") {
      for (const char* a : {"-q", "mutex_deque,sequence_ring,mpsc_elastic"}) args.emplace_back(a);
    }
    if (kind != "pingpong") {
      // A burst's idle period is longer than 100 ms: the window must span one.
      for (const char* a : {"-p", "2", "-c", "1", "-d", kind == "burst" ? "500ms" : "100ms"}) args.emplace_back(a);
    }
    const auto r = run_qbench(args);
    // 1: some point failed; allowed only for the reason checked below.
    ASSERT_TRUE(r.status == 0 || r.status == 1) << r.err;
    const json doc = json::parse(std::ifstream(out));
    EXPECT_EQ(doc.at("scenario").at("name"), file.stem().string());
    ASSERT_FALSE(doc.at("runs").empty());
    for (const auto& run : doc.at("runs")) {
      SCOPED_TRACE(run.at("id").get<std::string>());
      EXPECT_EQ(run.at("id").get<std::string>().rfind(file.stem().string(), 0), 0u);
      // A 100 ms window on a loaded two-core machine can pass without a
      // single pop; that repetition fails with this reason. Nothing else may
      // fail, and no run may be invalid.
      const std::string status = run.at("status");
      if (status == "failed") {
        for (const auto& rep : run.at("repetitions")) {
          if (rep.at("status") == "failed") {
            EXPECT_EQ(rep.at("failure"), "no item was popped inside the measured window");
          }
        }
        continue;
      }
      EXPECT_TRUE(status == "ok" || status == "skipped") << status;
      if (status != "ok") continue;
      const std::string run_kind = run.at("workload").at("kind");
      if (spec.contains("workloads")) {
        EXPECT_EQ(run_kind, spec["workloads"][0].at("kind"));
      } else {
        EXPECT_EQ(run_kind, kind);
      }
      if (run_kind == "pingpong") {
        EXPECT_TRUE(run.at("pingpong").at("valid").get<bool>());
      } else if (run_kind != "throughput") {
        EXPECT_TRUE(run.at("workload_metrics").is_object());
        EXPECT_TRUE(run.at("repetitions").at(0).at("validation").at("valid").get<bool>());
      }
    }
  }
}

}  // namespace
}  // namespace qb::test
