// What the console says under the table, point by point: the counters asked
// for, counted or not and why; each workload's own figures; warnings whole,
// never cut mid-sentence; and the sums of a point's counters said to be sums.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/console/summary.hpp"
#include "harness/console/table.hpp"
#include "harness/counters/counters.hpp"
#include "harness/results/point_marks.hpp"
#include "harness/results/point_summary.hpp"
#include "harness/results/stats.hpp"

namespace qb {
namespace {

using nlohmann::json;

RepResult ok_rep(int index, std::uint64_t items, double elapsed_s = 1.0) {
  RepResult r;
  r.repetition = index;
  r.status = RepStatus::ok;
  r.items = items;
  r.elapsed_s = elapsed_s;
  r.items_per_s = static_cast<double>(items) / elapsed_s;
  return r;
}

PointResult ok_point(std::vector<RepResult> reps, const char* id = "run/sequence_ring/p1c1") {
  PointResult p;
  p.params.queue = "sequence_ring";
  p.params.producers = 1;
  p.params.consumers = 1;
  p.id = id;
  p.status = PointStatus::ok;
  p.repetitions = std::move(reps);
  p.aggregate = aggregate(p.repetitions);
  return p;
}

std::string summary_of(const std::vector<PointResult>& points, std::size_t width = kTableWidth) {
  const auto marks = point_marks(points);
  const auto table = summary_table(points, marks, TableOptions{.width = width});
  std::string said;
  for (const auto& line : summary_lines(points, marks, table, {})) {
    EXPECT_LE(line.size(), width) << line;
    said += line + "\n";
  }
  return said;
}

// The summary's lines as one text, the lines it wrapped joined again.
std::string unwrapped(const std::string& said) {
  std::string out;
  for (std::size_t i = 0; i < said.size(); ++i) {
    const bool continues = said[i] == '\n' && said.compare(i + 1, 2, "  ") == 0;
    out += continues ? ' ' : said[i];
    if (continues) i += 2;
  }
  return out;
}

TEST(ConsoleCounters, names_exactly_the_events_asked_for_counted_with_a_figure_per_item_and_the_rest_with_why) {
  std::string error;
  PointResult p = ok_point({ok_rep(0, 1000)});
  p.params.counters = *parse_counter_selection("task-clock,context-switches,cycles", &error);
  p.counters = {{"events",
                 {{"task-clock", {{"status", "ok"}, {"value", 41200.0}}},
                  {"context-switches", {{"status", "ok"}, {"value", 1.2}}},
                  {"cycles", {{"status", "not_supported"}, {"reason", "no hardware PMU: perf_event_open returned ENOENT"}}}}},
                {"per_item", {{"cache_misses", nullptr}}}};
  const std::string said = unwrapped(summary_of({p}));
  EXPECT_NE(said.find("counted: task-clock 41.2 ns/item, context-switches 0.0012/item; not counted: cycles (no "
                      "hardware PMU)\n"),
            std::string::npos)
      << said;
  EXPECT_EQ(said.find("cache-misses"), std::string::npos) << "not asked for\n" << said;
}

// A paced workload that reached its target: 200,384 of 200,000 items/s. One
// repetition of three fell short; the point did not.
PointResult paced_point(const std::vector<double>& achieved) {
  std::vector<RepResult> reps;
  for (std::size_t i = 0; i < achieved.size(); ++i) {
    RepResult r = ok_rep(static_cast<int>(i), static_cast<std::uint64_t>(achieved[i]));
    r.workload_metrics = {{"target_rate_per_s", 200000.0}, {"offered_rate_per_s", 200100.0},
                          {"achieved_rate_per_s", achieved[i]}, {"max_lag_ns", 1.25e6},
                          {"saturated", achieved[i] < 0.99 * 200000}};
    reps.push_back(r);
  }
  PointResult p = ok_point(reps, "paced/sequence_ring/p1c1");
  p.params.workload.kind = WorkloadKind::paced;
  p.params.workload.rate_per_s = 200000;
  p.aggregate.reset();
  finalize_point(p);
  return p;
}

TEST(ConsoleWorkloads, a_paced_point_that_reached_its_target_is_not_saturated_and_its_rates_are_on_the_console) {
  const PointResult p = paced_point({200384, 190000, 200500});
  EXPECT_FALSE(p.workload_metrics.at("saturated").get<bool>()) << p.workload_metrics.dump();
  EXPECT_EQ(p.workload_metrics.at("saturated_repetitions"), 1);
  EXPECT_TRUE(p.warnings.empty()) << p.warnings.size();
  const std::string said = unwrapped(summary_of({p}));
  EXPECT_NE(said.find("paced/sequence_ring/p1c1: target 200,000/s, offered 200,100/s, achieved 200,384/s (100.2% "
                      "of target), max lag 1.2 ms"),
            std::string::npos)
      << said;
}

TEST(ConsoleWorkloads, a_saturated_point_says_so_whole_and_admission_and_lanes_give_their_own_figures) {
  const PointResult slow = paced_point({150000, 150000, 150000});
  EXPECT_TRUE(slow.workload_metrics.at("saturated").get<bool>());
  PointResult admission = ok_point({ok_rep(0, 1000)}, "ingest/segmented/p8c4");
  admission.params.workload.kind = WorkloadKind::admission;
  admission.workload_metrics = {{"attempted", 1290}, {"rejections", 56}, {"max_depth", 80000}, {"soft_capacity", 100000}};
  PointResult lanes = ok_point({ok_rep(0, 1000, 2.0)}, "lanes/segmented/p4c2");
  lanes.params.workload.kind = WorkloadKind::priority_lanes;
  lanes.workload_metrics = {{"policy", "strict"},
                            {"lanes", {{{"name", "high"}, {"delivered", 4000}, {"rejected", 0}},
                                       {{"name", "low"}, {"delivered", 600}, {"rejected", 20}, {"starved", true}}}}};
  const std::string said = summary_of({slow, admission, lanes}, 60);
  const std::string whole = unwrapped(said);
  EXPECT_EQ(said.find("..."), std::string::npos) << "nothing cut\n" << said;
  EXPECT_NE(whole.find("saturated: achieved 150,000 of the 200,000 items/s target (75.0%)"), std::string::npos) << said;
  EXPECT_NE(whole.find("ingest/segmented/p8c4: accepted 1,234, rejected 56 (4.3%) of 1,290 offered; max depth 80,000 of "
                       "100,000"),
            std::string::npos)
      << said;
  EXPECT_NE(whole.find("lanes/segmented/p4c2: strict lanes delivered high 2,000/s (rejected 0), low 300/s (rejected "
                       "20, starved)"),
            std::string::npos)
      << said;
}

TEST(ConsoleTable, at_80_columns_leaves_out_its_least_telling_columns_and_shortens_a_status_said_whole_under_it) {
  PointResult ok = ok_point({ok_rep(0, 123456789)}, "run/crossbeam_channel_unbounded/p1c1");
  ok.params.queue = "crossbeam_channel_unbounded";
  ok.latency = {{"mode", "e2e"}, {"e2e", {{"p50_ns", 6e10}, {"p99_ns", 6e10}, {"p99_9_ns", 6e10}}}};
  ok.warnings = {Warning::noisy_repetitions(7)};
  PointResult failed = ok_point({ok_rep(0, 0)}, "run/sequence_ring/p1c1");
  failed.status = PointStatus::failed;
  failed.repetitions[0].status = RepStatus::failed;
  failed.repetitions[0].failure = "no item was popped inside the measured window";
  const std::vector<PointResult> points{ok, failed};
  const auto marks = point_marks(points);
  const auto table = summary_table(points, marks, TableOptions{.width = 80});
  std::istringstream rows(table.text);
  for (std::string line; std::getline(rows, line);) EXPECT_LE(line.size(), 80u) << line << "\n" << table.text;
  EXPECT_NE(table.text.find("items/s"), std::string::npos) << table.text;
  EXPECT_FALSE(table.narrowed.empty()) << table.text;
  const std::string said = unwrapped(summary_of(points, 80));
  EXPECT_NE(said.find("failed: no item was popped inside the measured window: run/sequence_ring/p1c1"),
            std::string::npos)
      << table.text << said;
  EXPECT_NE(said.find("to fit 80 columns; --wide shows them"), std::string::npos) << said;
  const auto wide = summary_table(points, marks, TableOptions{.wide = true, .width = 80});
  for (const char* column : {"items/s (median)", "CV %", "p50 ns", "p99 ns", "p99.9 ns", "reps"}) {
    EXPECT_NE(wide.text.find(column), std::string::npos) << column << "\n" << wide.text;
  }
}

TEST(ConsoleTable, points_that_differ_in_wait_name_it_beside_the_queue_and_one_wait_does_not) {
  PointResult spin = ok_point({ok_rep(0, 1000)}, "run.spin/sequence_ring/p1c1");
  PointResult block = ok_point({ok_rep(0, 900)}, "run.block/sequence_ring/p1c1");
  block.params.wait = WaitMode::block;
  const std::vector<PointResult> both{spin, block};
  const auto table = summary_table(both, point_marks(both), TableOptions{.width = 80});
  EXPECT_NE(table.text.find("\nsequence_ring (spin) "), std::string::npos) << table.text;
  EXPECT_NE(table.text.find("\nsequence_ring (block) "), std::string::npos) << table.text;
  const auto cells = table_cells(both, point_marks(both), NumberStyle::plain);
  EXPECT_EQ(cells.rows[1][0], "sequence_ring (block)");
  EXPECT_NE(unwrapped(summary_of(both)).find("(block): they slept in blocking calls"), std::string::npos);
  const std::vector<PointResult> one{block};
  const auto alone = summary_table(one, point_marks(one), TableOptions{.width = 80});
  EXPECT_NE(alone.text.find("\nsequence_ring "), std::string::npos) << alone.text;
  EXPECT_EQ(alone.text.find("(block)"), std::string::npos) << alone.text;
  EXPECT_EQ(summary_of(one).find("(block)"), std::string::npos);
}

TEST(PointCounters, say_they_are_summed_over_the_repetitions_and_their_threads) {
  std::string error;
  const CounterSelection selection = *parse_counter_selection("task-clock", &error);
  EventReading clock;
  clock.event = CounterEvent::task_clock;
  clock.status = CounterStatus::ok;
  clock.value = 1000;
  clock.raw = 1000;
  std::vector<RepResult> reps;
  for (int i = 0; i < 3; ++i) {
    RepResult r = ok_rep(i, 500);
    json readings = json::array();
    for (const char* role : {"producer", "consumer"}) {
      readings.push_back({{"role", role}, {"reading", ThreadCounterReading{{clock}}}});
    }
    r.counters = {{"selection", selection.spec}, {"readings", readings}, {"per_item", json::object()}};
    reps.push_back(r);
  }
  PointResult p = ok_point(reps);
  p.params.counters = selection;
  p.aggregate.reset();
  finalize_point(p);
  ASSERT_TRUE(p.counters.contains("summed_over")) << p.counters.dump();
  EXPECT_EQ(p.counters.at("summed_over"), (json{{"repetitions", 3}, {"items", 1500}}));
  EXPECT_EQ(p.counters.at("events").at("task-clock").at("threads"), 6) << "2 threads x 3 repetitions";
  EXPECT_EQ(p.counters.at("events").at("task-clock").at("value"), 6000.0);
}

}  // namespace
}  // namespace qb
