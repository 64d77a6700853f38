// The results path of the harness: JSON conversions and the document
// (harness/result_json), repetition statistics (harness/stats), the --out
// checks and the atomic write, and the summary table (harness/table).
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "harness/console/summary.hpp"
#include "harness/console/table.hpp"
#include "harness/model/result_json.hpp"
#include "harness/results/stats.hpp"

namespace qb {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

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

RepResult rep_with_rate(double items_per_s, RepStatus status = RepStatus::ok) {
  RepResult r;
  r.status = status;
  r.items_per_s = items_per_s;
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

// The whitespace-separated cells of the table's row for `queue`, in order.
std::vector<std::vector<std::string>> rows_of(const std::string& table, const std::string& queue) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream lines(table);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(queue, 0) != 0) continue;
    std::istringstream cells(line);
    rows.emplace_back(std::istream_iterator<std::string>(cells), std::istream_iterator<std::string>());
  }
  return rows;
}

constexpr QueueTraits kTraits{"sequence_ring", true, Multiplicity::many, Multiplicity::many,
                              Progress::slot_blocking, Order::fifo, true};

PointResult point(PointStatus status, std::vector<RepResult> reps) {
  PointResult p;
  p.params.queue = "sequence_ring";
  p.params.producers = 2;
  p.params.consumers = 3;
  p.traits = kTraits;
  p.id = "run/sequence_ring/p2c3";
  p.status = status;
  p.repetitions = std::move(reps);
  return p;
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

std::string table_of(const std::vector<PointResult>& points, bool wide = false) {
  return summary_table(points, point_marks(points), TableOptions{.wide = wide}).text;
}

TEST(SummaryTable, shows_the_figures_of_an_ok_point) {
  PointResult p = point(PointStatus::ok, {rep_with_rate(12345678), rep_with_rate(12345678)});
  p.aggregate = aggregate(p.repetitions);
  const std::string table = table_of({p}, true);
  EXPECT_EQ(table.rfind("queue", 0), 0u);
  EXPECT_NE(table.find("items/s (median)"), std::string::npos);
  const auto rows = rows_of(table, "sequence_ring");
  ASSERT_EQ(rows.size(), 1u);
  // No latency, counters or warnings recorded: those columns are left out.
  EXPECT_EQ(rows[0], (std::vector<std::string>{"sequence_ring", "2", "3", "12,345,678", "81.00", "12,345,678",
                                               "12,345,678", "0.0", "2", "ok"}))
      << table;
  EXPECT_EQ(table.find("p50 ns"), std::string::npos) << table;
  EXPECT_EQ(table.find("flags"), std::string::npos) << table;
}

TEST(SummaryTable, shows_latency_percentiles_and_leaves_out_cache_misses_counted_nowhere) {
  PointResult p = point(PointStatus::ok, {rep_with_rate(1000000)});
  p.aggregate = aggregate(p.repetitions);
  p.latency = {{"mode", "e2e"},
               {"e2e", {{"p50_ns", 120}, {"p99_ns", 4500}, {"p99_9_ns", 31000}}}};
  p.counters = {{"events", {{"cache-misses", {{"status", "not_supported"}, {"reason", "no hardware PMU: ENOENT"}}}}},
                {"per_item", {{"cache_misses", nullptr}}}};
  const std::vector<PointResult> points{p};
  const auto marks = point_marks(points);
  const auto table = summary_table(points, marks);
  const auto rows = rows_of(table.text, "sequence_ring");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"sequence_ring", "2", "3", "1,000,000", "0.0", "120", "4,500",
                                               "31,000", "ok"}))
      << table.text;
  EXPECT_EQ(table.text.find("cache-misses"), std::string::npos) << table.text;
  const auto lines = summary_lines(points, marks, table, {});
  std::string said;
  for (const auto& line : lines) said += line + "\n";
  EXPECT_NE(said.find("counted: none; not counted: cache-misses (no hardware PMU)"), std::string::npos) << said;
  EXPECT_NE(said.find("latency: end to end"), std::string::npos) << said;
}

TEST(SummaryTable, a_percentile_no_point_sampled_enough_for_is_said_to_be_short_of_samples) {
  PointResult p = point(PointStatus::ok, {rep_with_rate(1000000)});
  p.aggregate = aggregate(p.repetitions);
  p.latency = {{"mode", "e2e"}, {"e2e", {{"p50_ns", 120}, {"p99_ns", 4500}, {"p99_9_ns", nullptr}}}};
  const std::vector<PointResult> points{p};
  const auto table = summary_table(points, point_marks(points));
  ASSERT_FALSE(table.dropped.empty());
  EXPECT_EQ(table.dropped[0].first, "p99.9 ns");
  EXPECT_NE(table.dropped[0].second.find("too few latency samples"), std::string::npos) << table.dropped[0].second;
}

TEST(SummaryTable, shows_no_throughput_for_an_invalid_failed_or_skipped_point) {
  PointResult invalid = point(PointStatus::invalid, {rep_with_rate(12345678, RepStatus::invalid)});
  invalid.repetitions[0].validation.lost = 3;
  invalid.aggregate = aggregate({rep_with_rate(12345678)});  // even if one slipped through
  PointResult failed = point(PointStatus::failed, {rep_with_rate(0, RepStatus::failed)});
  failed.repetitions[0].failure = "timeout after 5s";
  PointResult skipped = point(PointStatus::skipped, {});
  skipped.skip_reason = "queue allows one consumer";
  const std::string table = table_of({invalid, failed, skipped}, true);
  EXPECT_EQ(table.find("12,345,678"), std::string::npos) << table;
  EXPECT_NE(table.find("invalid (lost 3, dup 0, misordered 0)"), std::string::npos) << table;
  EXPECT_NE(table.find("failed: timeout after 5s"), std::string::npos) << table;
  EXPECT_NE(table.find("skipped: queue allows one consumer"), std::string::npos) << table;
  const auto rows = rows_of(table, "sequence_ring");
  ASSERT_EQ(rows.size(), 3u);
  for (const auto& row : rows) {
    ASSERT_GE(row.size(), 4u);
    EXPECT_EQ(row[1], "2");
    EXPECT_EQ(row[2], "3");
    EXPECT_TRUE(row[3] == "invalid" || row[3] == "failed:" || row[3] == "skipped:") << table;
  }
  // Not wide: the skipped point's row is left out, and the count says so.
  const std::vector<PointResult> points{invalid, failed, skipped};
  const auto narrow = summary_table(points, point_marks(points), TableOptions{.width = 120});
  EXPECT_EQ(rows_of(narrow.text, "sequence_ring").size(), 2u) << narrow.text;
  EXPECT_EQ(narrow.hidden_skipped, 1);
  const auto lines = summary_lines(points, point_marks(points), narrow, {});
  EXPECT_EQ(lines.at(0), "points: 2 measured (0 ok, 1 invalid, 1 failed), 1 skipped by their traits (--wide lists them); 1 repetition "
            "each");
}

// A sweep of one queue at several shapes, each point with what makes a mark;
// its p4c1 point moves `collapsed_rate` items/s against the best's 2e7.
std::vector<PointResult> marked_sweep(double collapsed_rate = 1e4) {
  std::vector<PointResult> points;
  auto add = [&](int p, int c, double rate) {
    PointResult x = point(PointStatus::ok, {rep_with_rate(rate), rep_with_rate(rate)});
    x.params.producers = p;
    x.params.consumers = c;
    x.id = fmt::format("quick/sequence_ring/p{}c{}", p, c);
    x.aggregate = aggregate(x.repetitions);
    for (auto& r : x.repetitions) {
      for (int i = 0; i < p + c; ++i) {
        ThreadStats t;
        t.items = 1000;
        r.threads.push_back(t);
      }
    }
    points.push_back(std::move(x));
    return &points.back();
  };
  add(1, 1, 2e7);
  auto* backlog = add(2, 1, 1e7);
  backlog->repetitions[1].threads[2].items = 40;  // 2000 pushed, 40 popped: 50x
  backlog->repetitions[1].warnings.push_back(Warning::unbalanced_window(2000, 40, 40));
  auto* starved = add(2, 2, 1.5e7);
  starved->repetitions[0].threads[1].items = 20;
  starved->repetitions[0].threads[1].starved = true;
  starved->repetitions[0].warnings.push_back(Warning::starved_thread(ThreadRole::producer, 1, 20, 510));
  auto* collapsed = add(4, 1, collapsed_rate);  // 2,000x below 1x1 by default
  collapsed->warnings = {Warning::noisy_repetitions(9.0), Warning::oversubscribed_cpus()};
  auto* odd = add(4, 2, 1.2e7);
  odd->warnings = {Warning::sequence_limit_hit(ThreadRole::producer, 3)};
  for (auto& x : points) {  // as finalize_point lifts them
    for (const auto& r : x.repetitions) {
      for (const auto& w : r.warnings) x.warnings.push_back(w.of_repetition(r.repetition));
    }
  }
  return points;
}

TEST(PointMarks, mark_each_kind_with_its_worst_case_and_a_collapse_against_the_queues_best_shape) {
  const auto points = marked_sweep();
  const auto marks = point_marks(points);
  ASSERT_EQ(marks.size(), 5u);
  EXPECT_EQ(flag_letters(marks[0]), "");
  EXPECT_EQ(flag_letters(marks[1]), "B");
  EXPECT_DOUBLE_EQ(marks[1].unbalanced_ratio, 50.0);
  EXPECT_TRUE(marks[1].pushed_more);
  EXPECT_EQ(flag_letters(marks[2]), "S");
  EXPECT_EQ(marks[2].starved_thread, "producer 1");
  EXPECT_NEAR(marks[2].starved_share, 20.0 / 510.0, 1e-9);
  EXPECT_EQ(flag_letters(marks[3]), "XNO");
  EXPECT_TRUE(marks[3].collapse);
  EXPECT_DOUBLE_EQ(marks[3].collapse_factor, 2000.0);
  EXPECT_EQ(marks[3].best_shape, "1x1");
  EXPECT_EQ(flag_letters(marks[4]), "W");
  EXPECT_FALSE(marks[4].collapse) << "1.7x below the best shape is not a collapse";
}

TEST(ConsoleSummary, says_each_kind_once_with_its_count_and_worst_case_within_the_width) {
  auto points = marked_sweep();
  PointResult skipped = point(PointStatus::skipped, {});
  points.push_back(skipped);
  const auto marks = point_marks(points);
  const auto table = summary_table(points, marks, TableOptions{.width = 120});
  SummaryContext context;
  context.usable_cpus = 2;
  context.results = "results/x.json";
  const auto lines = summary_lines(points, marks, table, context);
  const std::vector<std::string> expected = {
      "points: 5 measured (5 ok, 0 invalid, 0 failed), 1 skipped by their traits (--wide lists them); 2 repetitions each",
      "X collapse: 1 point at <1/100 of their queue's best; worst quick/sequence_ring/p4c1: 2,000x below 1x1",
      "B backlog: 1 point with pushes and pops >10% apart; worst quick/sequence_ring/p2c1: 50x more pushes",
      "S starved: 1 point with a thread <10% of fair share; worst quick/sequence_ring/p2c2: producer 1 at 3.9%",
      "N noisy: 1 point whose repetitions' CV is over 5%; worst quick/sequence_ring/p4c1: CV 0.0%",
      "O oversubscribed: 1 point ran more threads than the 2 usable CPUs (up to 5): the scheduler is in those figures",
      "W other warnings on 1 point; first quick/sequence_ring/p4c2: producer 3 reached the sequence limit and stopped "
      "early",
      "not shown: p50 ns, p99 ns, p99.9 ns (latency not measured); cache-misses/item (not counted)",
      "results: results/x.json (every warning, point by point: runs[].warnings)"};
  EXPECT_EQ(lines, expected);
  for (const auto& line : lines) EXPECT_LE(line.size(), 120u) << line;
}

// Past 100,000x a factor is said in thousands or millions ("17.6Mx"), so a
// warning line keeps to one line of a 120-column terminal whatever the factor
// (a 10-digit "17,608,575x" made the demo's collapse line wrap, 2026-12-07).
TEST(ConsoleSummary, says_a_factor_past_100000x_in_thousands_or_millions) {
  for (const auto& [rate, said] : {std::pair{2e7 / 250'000, "250Kx"}, std::pair{2e7 / 17'608'575.0, "17.6Mx"},
                                   std::pair{2e7 / 99'999.0, "99,999x"}}) {
    const auto points = marked_sweep(rate);
    const auto marks = point_marks(points);
    const auto lines = summary_lines(points, marks, summary_table(points, marks, TableOptions{.width = 120}), {});
    EXPECT_EQ(lines.at(1), fmt::format("X collapse: 1 point at <1/100 of their queue's best; worst "
                                       "quick/sequence_ring/p4c1: {} below 1x1", said));
  }
}

// The demo's summary has a budget of lines (tests/python/check_demo_report.py),
// and which queue is worst at a mark changes from run to run: so each mark's
// line keeps to 120 columns with the longest id of a one-wait sweep of every
// queue, its widest figures and many points. A 2026-12-07 CI run went over
// the budget when the worst ids were long ones.
TEST(ConsoleSummary, each_mark_keeps_to_one_line_with_the_longest_queue_name) {
  auto points = marked_sweep(2e7 / 17'608'575.0);
  for (auto& x : points) {
    x.id = "quick/crossbeam_channel_unbounded/p4c4";  // 38 characters
    x.params.queue = "crossbeam_channel_unbounded";
  }
  std::vector<PointResult> many;
  for (int copy = 0; copy < 40; ++copy) many.insert(many.end(), points.begin(), points.end());
  const auto marks = point_marks(many);
  const auto lines = summary_lines(many, marks, summary_table(many, marks, TableOptions{.width = 120}), {});
  for (const char* letter : {"X ", "B ", "S ", "N "}) {
    const auto at = std::find_if(lines.begin(), lines.end(), [&](const std::string& l) { return l.starts_with(letter); });
    ASSERT_NE(at, lines.end()) << letter << "mark missing";
    ASSERT_NE(at + 1, lines.end());
    EXPECT_FALSE(at[1].starts_with("  ")) << "the " << letter << "line wrapped: " << *at << "\n" << at[1];
  }
}

TEST(SummaryTable, fits_the_width_by_shortening_the_status_to_its_first_word_and_wide_prints_it_whole) {
  PointResult invalid = point(PointStatus::invalid, {rep_with_rate(1, RepStatus::invalid)});
  invalid.params.queue = invalid.id = "xenium_ramalhete_queue";
  invalid.repetitions[0].validation = {.lost = 123456789, .duplicated = 987654321, .misordered = 55555555};
  invalid.repetitions[0].warnings = {Warning::starved_thread(ThreadRole::consumer, 1, 0, 1)};
  PointResult ok = point(PointStatus::ok, {rep_with_rate(123456789012.0)});
  ok.aggregate = aggregate(ok.repetitions);
  // The widest figures a row can have: latency clamps at 60 s.
  ok.latency = {{"mode", "e2e"}, {"e2e", {{"p50_ns", 6e10}, {"p99_ns", 6e10}, {"p99_9_ns", 6e10}}}};
  ok.warnings = {Warning::noisy_repetitions(7), Warning::oversubscribed_cpus()};
  ok.repetitions[0].warnings = {Warning::unbalanced_window(3, 1, 1)};
  const std::string narrow = table_of({invalid, ok});
  std::istringstream lines(narrow);
  for (std::string line; std::getline(lines, line);) EXPECT_LE(line.size(), kTableWidth) << line;
  EXPECT_NE(narrow.find("  invalid\n"), std::string::npos) << narrow;
  EXPECT_NE(table_of({invalid, ok}, true).find("misordered 55555555)"), std::string::npos);
}

}  // namespace
}  // namespace qb
