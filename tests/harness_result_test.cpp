// The results path of the harness: JSON conversions and the document
// (harness/result_json), repetition statistics (harness/stats), the --out
// checks and the atomic write. The console's table and summary:
// harness_summary_test.cpp.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "harness/model/result_json.hpp"
#include "harness/results/stats.hpp"
#include "tests/result_points.hpp"

namespace qb {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test::point;
using test::rep_with_rate;

RepResult sample_rep() {
  RepResult r;
  r.repetition = 3;
  r.status = RepStatus::invalid;
  r.failure = "é ünïcode";  // text the child sends the parent survives as UTF-8
  r.elapsed_s = 1.0 / 3.0;
  r.items = std::numeric_limits<std::uint64_t>::max();
  r.items_per_s = 12345678.901234567;
  r.ns_per_item = 81.00000072900001;
  r.threads = {{"producer", 0, 2, 1000, 7, false}, {"consumer", 0, -1, 999, 12345, true}};
  r.validation = {true, 1000, 999, 1, 0, 2, 0};
  r.cpu_map = {2, -1};
  r.oversubscribed = true;
  r.peak_rss_kib = 123456;
  r.cpu = {true, {1, 987654321, 3, 4}, {1, std::numeric_limits<std::uint64_t>::max(), 5, 6}, 12.345678901, 81000001.5};
  r.batch_kind = BatchKind::native;
  r.partial_pushes = 17;
  r.partial_pops = std::numeric_limits<std::uint64_t>::max();
  r.warnings = {Warning::starved_thread(ThreadRole::consumer, 0, 999, 9990.5),
                Warning::reference_ceiling(CeilingOp::cas)};
  return r;
}


// Every field is set to a non-default value in sample_rep(), so comparing the
// two JSON forms catches a field that from_json leaves out; a few fields are
// also compared directly, in case to_json left the same one out.
void expect_same(const RepResult& a, const RepResult& b) {
  EXPECT_EQ(json(a), json(b));
  EXPECT_EQ(a.elapsed_s, b.elapsed_s);  // exact: doubles survive the text form bit for bit
  EXPECT_EQ(a.items, b.items);
  EXPECT_EQ(a.items_per_s, b.items_per_s);
  ASSERT_EQ(a.threads.size(), b.threads.size());
  if (!a.threads.empty()) {
    EXPECT_EQ(a.threads.back().failed_ops, b.threads.back().failed_ops);
  }
  EXPECT_EQ(a.validation.misordered, b.validation.misordered);
  EXPECT_EQ(a.cpu_map, b.cpu_map);
  EXPECT_EQ(a.batch_kind, b.batch_kind);
  EXPECT_EQ(a.partial_pushes, b.partial_pushes);
  EXPECT_EQ(a.partial_pops, b.partial_pops);
  EXPECT_EQ(a.warnings, b.warnings);
}


TEST(ResultJson, rep_result_round_trips_exactly_through_json_text) {
  const RepResult before = sample_rep();
  const std::string text = json(before).dump();
  expect_same(before, json::parse(text).get<RepResult>());
}

TEST(ResultJson, non_finite_doubles_are_written_as_null_and_read_back_as_nan) {
  RepResult r;
  r.elapsed_s = std::numeric_limits<double>::quiet_NaN();
  const json j = json::parse(json(r).dump());
  EXPECT_TRUE(j["elapsed_s"].is_null());
  EXPECT_TRUE(std::isnan(j.get<RepResult>().elapsed_s));
}

TEST(ResultJson, a_missing_key_is_an_error_not_a_default) {
  json j = sample_rep();
  j.erase("items");
  EXPECT_THROW(j.get<RepResult>(), json::out_of_range);
}

TEST(ResultJson, point_params_use_integer_nanoseconds_and_round_trip) {
  PointParams p;
  p.queue = "segmented";
  p.items = 0;
  p.duration = std::chrono::milliseconds(2500);
  p.placement = Placement::scatter;
  p.seed = std::numeric_limits<std::uint64_t>::max();
  const json j = p;
  EXPECT_EQ(j.at("duration_ns"), 2'500'000'000);
  EXPECT_EQ(j.at("placement"), "scatter");
  const auto back = json::parse(j.dump()).get<PointParams>();
  EXPECT_EQ(back.queue, p.queue);
  EXPECT_EQ(back.duration, p.duration);
  EXPECT_EQ(back.warmup, p.warmup);
  EXPECT_EQ(back.timeout, p.timeout);
  EXPECT_EQ(back.placement, p.placement);
  EXPECT_EQ(back.seed, p.seed);
}

TEST(ResultJson, point_params_modes_are_written_as_their_names_and_read_back) {
  PointParams p;
  p.latency = LatencyMode::ops;
  p.payload_check = PayloadCheck::off;
  p.counters = *parse_counter_selection("task-clock,cycles");
  p.wait = WaitMode::backoff;
  const json j = p;
  EXPECT_EQ(j.at("latency"), "ops");
  EXPECT_EQ(j.at("payload_check"), "off");
  EXPECT_EQ(j.at("counters"), "cycles,task-clock");
  EXPECT_EQ(j.at("wait"), "backoff");
  EXPECT_EQ(json(PointParams{}).at("counters"), "default");
  const auto back = json::parse(j.dump()).get<PointParams>();
  EXPECT_EQ(back.latency, LatencyMode::ops);
  EXPECT_EQ(back.payload_check, PayloadCheck::off);
  EXPECT_EQ(back.counters.spec, "cycles,task-clock");
  EXPECT_EQ(back.counters.events, p.counters.events);
  EXPECT_EQ(back.wait, WaitMode::backoff);
  EXPECT_FALSE(back.elastic.set);
}

TEST(ResultJson, point_params_elastic_config_round_trips) {
  PointParams p;
  p.queue = "mpsc_elastic";
  p.elastic = ElasticParams{.set = true, .initial_capacity = 64, .min_capacity = 32, .max_capacity = 4096,
                            .growth_factor = 1.5, .shrink_threshold = 0.125};
  const auto back = json::parse(json(p).dump()).get<PointParams>();
  EXPECT_TRUE(back.elastic.set);
  EXPECT_EQ(back.elastic.initial_capacity, 64u);
  EXPECT_EQ(back.elastic.min_capacity, 32u);
  EXPECT_EQ(back.elastic.max_capacity, 4096u);
  EXPECT_DOUBLE_EQ(back.elastic.growth_factor, 1.5);
  EXPECT_DOUBLE_EQ(back.elastic.shrink_threshold, 0.125);
}

TEST(ResultJson, an_unknown_mode_or_status_is_an_error_naming_the_key) {
  const auto message = [](const json& j, auto read) {
    try {
      read(j);
    } catch (const std::exception& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  const auto params = [](const json& j) { j.get<PointParams>(); };
  for (const char* key : {"latency", "payload_check", "counters", "wait"}) {
    json j = PointParams{};
    // A name that is no generic event is a native one, so a counters list
    // is wrong only when malformed.
    j[key] = std::string_view(key) == "counters" ? "bogus,," : "bogus";
    EXPECT_NE(message(j, params).find(key), std::string::npos) << message(j, params);
    EXPECT_NE(message(j, params).find("bogus"), std::string::npos) << message(j, params);
  }
  json rep = sample_rep();
  rep["status"] = "bogus";
  const auto what = message(rep, [](const json& j) { j.get<RepResult>(); });
  EXPECT_NE(what.find("status"), std::string::npos) << what;
  EXPECT_NE(what.find("bogus"), std::string::npos) << what;
}

TEST(ResultJson, statuses_are_written_as_their_names) {
  EXPECT_EQ(json(rep_with_rate(1, RepStatus::invalid)).at("status"), "invalid");
  for (auto s : {PointStatus::ok, PointStatus::invalid, PointStatus::failed, PointStatus::skipped,
                 PointStatus::not_run, PointStatus::planned}) {
    EXPECT_EQ(json(point(s, {})).at("status"), std::string(to_string(s)));
    EXPECT_EQ(parse_point_status(to_string(s)), s);
  }
  for (auto s : {RepStatus::ok, RepStatus::invalid, RepStatus::failed, RepStatus::interrupted}) {
    EXPECT_EQ(parse_rep_status(to_string(s)), s);
  }
  EXPECT_EQ(to_string(PointStatus::not_run), "not_run");
  EXPECT_EQ(parse_wait_mode("spin"), WaitMode::spin);
  EXPECT_FALSE(parse_wait_mode("Spin"));
  EXPECT_EQ(parse_payload_check("all"), PayloadCheck::all);
  EXPECT_FALSE(parse_payload_check("none"));
}

TEST(ResultJson, validation_reports_whether_it_is_valid) {
  EXPECT_EQ(json(Validation{}).at("valid"), true);
  EXPECT_EQ(json(sample_rep().validation).at("valid"), false);
}

TEST(ResultJson, document_has_schema_version_context_and_every_run) {
  PointResult ok = point(PointStatus::ok, {rep_with_rate(1e6)});
  ok.aggregate = aggregate(ok.repetitions);
  PointResult skipped = point(PointStatus::skipped, {});
  skipped.skip_reason = "queue allows one consumer";
  const json doc = make_document(json{{"host", "h"}}, {ok, skipped}, true,
                                 {"mpsc_elastic p1c2: queue allows one consumer"});
  EXPECT_EQ(doc.at("schema_version"), kSchemaVersion);
  EXPECT_EQ(doc.at("generator"), "qbench");
  EXPECT_EQ(doc.at("context").at("host"), "h");
  EXPECT_EQ(doc.at("interrupted"), true);
  EXPECT_EQ(doc.at("notes").size(), 1u);
  const json& runs = doc.at("runs");
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].at("aggregate").at("median_items_per_s"), 1e6);
  EXPECT_EQ(runs[0].at("traits").at("progress"), "slot_blocking");
  EXPECT_EQ(runs[0].at("traits").at("consumers"), "many");
  EXPECT_EQ(runs[1].at("status"), "skipped");
  EXPECT_EQ(runs[1].at("skip_reason"), "queue allows one consumer");
  EXPECT_TRUE(runs[1].at("aggregate").is_null());
  expect_same(ok.repetitions[0], runs[0].at("repetitions")[0].get<RepResult>());
}

TEST(Stats, aggregate_of_five_repetitions) {
  const Aggregate a = aggregate({rep_with_rate(102), rep_with_rate(98), rep_with_rate(100),
                                 rep_with_rate(101), rep_with_rate(99)});
  EXPECT_EQ(a.samples, 5);
  EXPECT_DOUBLE_EQ(a.median, 100);
  EXPECT_DOUBLE_EQ(a.min, 98);
  EXPECT_DOUBLE_EQ(a.max, 102);
  EXPECT_DOUBLE_EQ(a.mean, 100);
  EXPECT_DOUBLE_EQ(a.stddev, std::sqrt(10.0 / 4));  // sample stddev: n - 1
  EXPECT_DOUBLE_EQ(a.cv, std::sqrt(10.0 / 4) / 100);
  EXPECT_DOUBLE_EQ(a.median_ns_per_item, 1e7);
}

TEST(Stats, aggregate_leaves_out_failed_and_invalid_repetitions) {
  const Aggregate a = aggregate({rep_with_rate(1e9, RepStatus::failed), rep_with_rate(10),
                                 rep_with_rate(5e8, RepStatus::invalid), rep_with_rate(30)});
  EXPECT_EQ(a.samples, 2);
  EXPECT_DOUBLE_EQ(a.median, 20);  // the mean of the middle two
  EXPECT_DOUBLE_EQ(a.max, 30);
  EXPECT_DOUBLE_EQ(a.stddev, std::sqrt(200.0));
}

TEST(Stats, one_sample_has_no_spread_and_none_has_no_figures) {
  const Aggregate one = aggregate({rep_with_rate(42)});
  EXPECT_EQ(one.samples, 1);
  EXPECT_EQ(one.stddev, 0);
  EXPECT_EQ(one.cv, 0);
  const Aggregate none = aggregate({rep_with_rate(42, RepStatus::failed)});
  EXPECT_EQ(none.samples, 0);
  EXPECT_EQ(none.median, 0);
}

// A fresh directory under the system's temporary one, removed afterwards.
class OutputDir : public testing::Test {
 protected:
  void SetUp() override {
    std::string name = (fs::temp_directory_path() / "qb_result_test.XXXXXX").string();
    ASSERT_NE(::mkdtemp(name.data()), nullptr);
    dir_ = name;
  }
  void TearDown() override {
    std::error_code ec;
    fs::permissions(dir_ / "ro", fs::perms::owner_all, ec);
    fs::remove_all(dir_, ec);
  }
  std::string usage_error(const fs::path& out, bool force) {
    try {
      check_output_path(out, force);
    } catch (const UsageError& e) {
      return e.what();
    }
    return "";
  }
  std::vector<std::string> names() const {
    std::vector<std::string> found;
    for (const auto& e : fs::directory_iterator(dir_)) found.push_back(e.path().filename());
    return found;
  }
  static std::string contents(const fs::path& p) {
    std::ifstream in(p);
    return {std::istreambuf_iterator<char>(in), {}};
  }
  fs::path dir_;
};

TEST_F(OutputDir, check_output_path_accepts_a_new_file_in_a_writable_directory) {
  EXPECT_EQ(usage_error(dir_ / "x.json", false), "");
}

TEST_F(OutputDir, check_output_path_names_a_missing_directory) {
  const fs::path missing = dir_ / "nope";
  EXPECT_EQ(usage_error(missing / "x.json", false),
            "--out: '" + (missing / "x.json").string() + "': directory '" + missing.string() + "' does not exist");
}

TEST_F(OutputDir, check_output_path_refuses_an_existing_file_without_force) {
  const fs::path out = dir_ / "x.json";
  std::ofstream(out) << "{}";
  EXPECT_EQ(usage_error(out, false),
            "--out: '" + out.string() + "' exists; pass --force to overwrite");
  EXPECT_EQ(usage_error(out, true), "");
}

TEST_F(OutputDir, check_output_path_refuses_a_directory) {
  EXPECT_EQ(usage_error(dir_, true), "--out: '" + dir_.string() + "' is a directory");
}

TEST_F(OutputDir, check_output_path_refuses_an_unwritable_directory) {
  if (::geteuid() == 0) GTEST_SKIP() << "root can write anywhere";
  const fs::path ro = dir_ / "ro";
  fs::create_directory(ro);
  fs::permissions(ro, fs::perms::owner_read | fs::perms::owner_exec);
  EXPECT_EQ(usage_error(ro / "x.json", false),
            "--out: '" + (ro / "x.json").string() + "': directory '" + ro.string() + "' is not writable");
}

TEST_F(OutputDir, write_json_atomically_writes_parseable_json_and_no_temporary) {
  const fs::path out = dir_ / "x.json";
  const json doc = make_document(json::object(), {point(PointStatus::ok, {sample_rep()})}, false, {});
  write_json_atomically(out, doc, false);
  EXPECT_EQ(json::parse(contents(out)), doc);
  EXPECT_EQ(contents(out).rfind("{\"schema_version\":2,", 0), 0u);  // read first, and compact
  const std::string text = contents(out);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << "one line, ending in a newline";
  EXPECT_EQ(names(), std::vector<std::string>{"x.json"});
}

TEST_F(OutputDir, write_json_atomically_never_overwrites_without_force) {
  const fs::path out = dir_ / "x.json";
  std::ofstream(out) << "keep me";
  EXPECT_THROW(write_json_atomically(out, json{{"a", 1}}, false), std::runtime_error);
  EXPECT_EQ(contents(out), "keep me");
  EXPECT_EQ(names(), std::vector<std::string>{"x.json"});
  write_json_atomically(out, json{{"a", 1}}, true);
  EXPECT_EQ(json::parse(contents(out)), (json{{"a", 1}}));
  EXPECT_EQ(names(), std::vector<std::string>{"x.json"});
}

TEST_F(OutputDir, write_json_atomically_names_the_path_when_it_fails) {
  const fs::path out = dir_ / "nope" / "x.json";
  try {
    write_json_atomically(out, json::object(), false);
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(out.string()), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("No such file or directory"), std::string::npos);
  }
}

}  // namespace
}  // namespace qb
