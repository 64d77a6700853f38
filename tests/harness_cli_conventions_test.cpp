// The conventions a user expects of a command line, run through the real
// qbench: --version, --format for what stdout gets (each format parsed as its
// reader would), --queue's globs and exclusions, and --plan's point list and
// results-size estimate.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/machine/version.hpp"
#include "tests/qbench_process.hpp"

namespace {

namespace fs = std::filesystem;
using qb::test::run_qbench;
using qb::test::scratch_dir;

using qb::test::lines_of;

// One CSV record as RFC 4180 reads it (quoted cells, doubled quotes); the
// records here have no line breaks inside a cell.
std::vector<std::string> csv_record(const std::string& line) {
  std::vector<std::string> cells(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char ch = line[i];
    if (quoted && ch == '"' && i + 1 < line.size() && line[i + 1] == '"') {
      cells.back() += '"';
      ++i;
    } else if (ch == '"') {
      quoted = !quoted;
    } else if (ch == ',' && !quoted) {
      cells.emplace_back();
    } else {
      cells.back() += ch;
    }
  }
  return cells;
}

// Four points, one of them skipped (mpsc_elastic has one consumer), moving a
// fixed count so that a loaded machine cannot leave a window empty.
std::vector<std::string> short_run(const std::string& format) {
  return {"run", "--queue", "sequence_ring,mpsc_elastic", "--producers", "1", "--consumers", "1,2", "--items",
          "20000", "--warmup", "5ms", "--repetitions", "2", "--format", format};
}

// "qbench 1.2.3 (git <12 hex>[-dirty] | unknown, BUILD...)\n", checked by hand:
// std::regex trips GCC 12's -Wmaybe-uninitialized under ASan at -O2.
bool is_version_line(const std::string& text) {
  const auto digits = [&](std::size_t& at) {
    const std::size_t from = at;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') ++at;
    return at > from;
  };
  std::size_t at = 0;
  if (!text.starts_with("qbench ")) return false;
  at = 7;
  for (int part = 0; part < 3; ++part) {
    if (!digits(at)) return false;
    if (part < 2 && (at >= text.size() || text[at++] != '.')) return false;
  }
  if (text.compare(at, 6, " (git ") != 0) return false;
  at += 6;
  if (text.compare(at, 7, "unknown") == 0) {
    at += 7;
  } else {
    for (int i = 0; i < 12; ++i, ++at) {
      if (at >= text.size() || std::string_view("0123456789abcdef").find(text[at]) == std::string_view::npos) {
        return false;
      }
    }
    if (text.compare(at, 6, "-dirty") == 0) at += 6;
  }
  return text.compare(at, 2, ", ") == 0 && text.size() > at + 4 && text.ends_with(")\n");
}

TEST(QbenchConventions, version_prints_the_version_git_revision_and_build_type_and_exits_0) {
  const auto r = run_qbench({"--version"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, qb::version_line() + "\n");
  EXPECT_TRUE(is_version_line(r.out)) << r.out;
  EXPECT_TRUE(r.err.empty()) << r.err;
}

TEST(QbenchConventions, csv_is_a_header_with_units_and_one_row_a_point_and_nothing_else) {
  const auto r = run_qbench(short_run("csv"));
  ASSERT_EQ(r.status, 0) << r.err;
  const auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 5u) << r.out;
  const auto header = csv_record(lines[0]);
  EXPECT_EQ(header.front(), "id");
  const auto column = [&](const std::string& name) {
    const auto at = std::find(header.begin(), header.end(), name);
    EXPECT_NE(at, header.end()) << name << " in " << lines[0];
    return static_cast<std::size_t>(at - header.begin());
  };
  const auto median = column("items/s (median)"), status = column("status"), p50 = column("p50 ns");
  int ok = 0;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const auto row = csv_record(lines[i]);
    ASSERT_EQ(row.size(), header.size()) << lines[i];
    EXPECT_TRUE(row[0].starts_with("run/")) << lines[i];
    if (row[status] != "ok") {
      EXPECT_TRUE(row[status].starts_with("skipped: ")) << lines[i];
      EXPECT_EQ(row[median], "") << "no value is an empty cell: " << lines[i];
      continue;
    }
    ++ok;
    EXPECT_EQ(row[median].find(','), std::string::npos) << "plain numbers: " << lines[i];
    EXPECT_GT(std::stod(row[median]), 0) << lines[i];
    EXPECT_GE(std::stod(row[p50]), 0) << lines[i];
  }
  EXPECT_EQ(ok, 3);
  EXPECT_NE(r.err.find("qbench: ["), std::string::npos) << "progress stays on stderr: " << r.err;
}

TEST(QbenchConventions, json_is_one_document_of_points_and_summary_lines) {
  const auto r = run_qbench(short_run("json"));
  ASSERT_EQ(r.status, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);  // throws if anything else is on stdout
  ASSERT_EQ(doc.at("points").size(), 4u) << r.out;
  int ok = 0;
  for (const auto& point : doc.at("points")) {
    EXPECT_TRUE(point.at("id").get<std::string>().starts_with("run/")) << point;
    EXPECT_TRUE(point.at("P").is_number_integer()) << point;
    if (point.at("status") == "ok") {
      ++ok;
      EXPECT_GT(point.at("items/s (median)").get<double>(), 0) << point;
    } else {
      EXPECT_TRUE(point.at("items/s (median)").is_null()) << point;
    }
  }
  EXPECT_EQ(ok, 3);
  ASSERT_FALSE(doc.at("summary").empty());
  EXPECT_TRUE(doc.at("summary").front().get<std::string>().starts_with("points: ")) << doc.at("summary");
}

TEST(QbenchConventions, markdown_is_the_wide_table_then_the_summary_as_a_list) {
  const auto r = run_qbench(short_run("markdown"));
  ASSERT_EQ(r.status, 0) << r.err;
  const auto lines = lines_of(r.out);
  ASSERT_GT(lines.size(), 7u) << r.out;
  EXPECT_TRUE(lines[0].starts_with("| queue | P | C | items/s (median) |")) << lines[0];
  EXPECT_NE(lines[0].find("| ns/item |"), std::string::npos) << "the wide columns: " << lines[0];
  EXPECT_TRUE(lines[1].starts_with("| --- | ---: | ---: |")) << lines[1];
  const auto pipes = std::count(lines[0].begin(), lines[0].end(), '|');
  for (std::size_t i = 1; i < 6; ++i) {
    EXPECT_EQ(std::count(lines[i].begin(), lines[i].end(), '|'), pipes) << lines[i];
  }
  EXPECT_NE(lines[5].find("skipped"), std::string::npos) << "skipped points have rows, as --wide: " << r.out;
  EXPECT_EQ(lines[6], "");
  EXPECT_TRUE(lines[7].starts_with("- points: ")) << lines[7];
}

TEST(QbenchConventions, queue_globs_and_exclusions_choose_the_points) {
  // ck_ring_mpmc matches *_ring where the build has libck, and may be
  // excluded where it has not.
  const auto r = run_qbench({"run", "--queue", "*_ring,-locked_ring,-ck_ring_mpmc", "--plan"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("plan: 1 point: 1 to run"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\n  run/sequence_ring/p1c1\n"), std::string::npos) << r.out;
}

TEST(QbenchConventions, plan_lists_every_point_id_after_the_counts_marking_the_skipped_ones) {
  const auto r = run_qbench({"run", "--queue", "sequence_ring,mpsc_elastic", "--producers", "1", "--consumers",
                             "1,2", "--plan"});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto lines = lines_of(r.out);
  const auto at = std::find(lines.begin(), lines.end(), "points:");
  ASSERT_NE(at, lines.end()) << r.out;
  EXPECT_TRUE(lines.front().starts_with("plan: 4 points")) << r.out;
  EXPECT_EQ(std::vector<std::string>(at + 1, lines.end()),
            (std::vector<std::string>{"  run/sequence_ring/p1c1", "  run/sequence_ring/p1c2", "  run/mpsc_elastic/p1c1",
                                      "  run/mpsc_elastic/p1c2  (skipped: queue allows one consumer)"}));
}

// The size a plan announces, against the file the same sweep then writes.
TEST(QbenchConventions, plan_estimates_the_results_file_within_a_third_of_its_size) {
  for (const char* latency : {"off", "e2e", "all"}) {
    const auto out = scratch_dir() / "size.json";
    fs::remove(out);
    std::vector<std::string> args{"run", "--queue", "sequence_ring,mutex_deque", "--producers", "1,2",
                                  "--consumers", "1", "--items", "20000", "--warmup", "5ms",
                                  "--repetitions", "3", "--latency", latency};
    auto plan_args = args;
    plan_args.push_back("--plan");
    const auto plan = run_qbench(plan_args);
    ASSERT_EQ(plan.status, 0) << plan.err;
    // "estimated results file: ~1.4 MB (about 5.7 KB per repetition with --latency e2e, ...)"
    const std::string head = "estimated results file: ~";
    const auto at = plan.out.find(head);
    ASSERT_NE(at, std::string::npos) << plan.out;
    const std::string line = plan.out.substr(at, plan.out.find('\n', at) - at);
    ASSERT_NE(line.find("per repetition with --latency " + std::string(latency)), std::string::npos) << line;
    std::istringstream fields(line.substr(head.size()));
    double value = 0;
    std::string unit;
    ASSERT_TRUE(fields >> value >> unit) << line;
    ASSERT_TRUE(unit == "B" || unit == "KB" || unit == "MB") << line;
    const double estimate = value * (unit == "MB" ? 1e6 : unit == "KB" ? 1e3 : 1);
    args.insert(args.end(), {"--out", out.string()});
    const auto run = run_qbench(args);
    ASSERT_EQ(run.status, 0) << run.err;
    const auto actual = static_cast<double>(fs::file_size(out));
    EXPECT_GT(estimate, actual * 2 / 3) << latency << ": " << plan.out;
    EXPECT_LT(estimate, actual * 4 / 3) << latency << ": " << plan.out;
  }
}

// Native PMU events on a real run: each named event gets a status and a
// reason in the context and in every run, the generic ones beside them; on
// a machine without a PMU (our VMs) that status is not_supported, with
// libpfm4's reason for a name it cannot encode here. Only a malformed list
// is refused.
TEST(QbenchConventions, native_counter_events_get_a_status_in_a_real_run) {
  const auto out = scratch_dir() / "native-counters.json";
  fs::remove(out);
  const auto r = run_qbench({"run", "--queue", "sequence_ring", "--items", "20000", "--warmup", "5ms",
                             "--repetitions", "1", "--counters", "task-clock,MEM_LOAD_RETIRED.L3_MISS,r003c",
                             "--out", out.string()});
  ASSERT_EQ(r.status, 0) << r.err;
  std::ifstream in(out);
  const auto doc = nlohmann::json::parse(in);
  const auto& known = doc.at("context").at("counters").at("events");
  EXPECT_EQ(doc.at("context").at("counters").at("selection"), "task-clock,MEM_LOAD_RETIRED.L3_MISS,r003c");
  for (const char* name : {"task-clock", "MEM_LOAD_RETIRED.L3_MISS", "r003c"}) {
    ASSERT_TRUE(known.contains(name)) << name << " in " << known.dump();
    const std::string status = known.at(name).at("status");
    EXPECT_TRUE(status == "ok" || status == "not_supported") << name << ": " << known.at(name).dump();
    if (status != "ok") {
      EXPECT_FALSE(known.at(name).at("reason").get<std::string>().empty()) << name;
    }
    EXPECT_TRUE(doc.at("runs")[0].at("counters").at("events").contains(name)) << name;
  }
  EXPECT_EQ(known.at("task-clock").at("status"), "ok") << "software events count everywhere";
  // The raw code is encoded wherever libpfm4 runs; the Intel name only on an Intel CPU.
  EXPECT_EQ(known.at("r003c").at("perf_event_attr").at("config"), "0x3c");
  const auto& intel = known.at("MEM_LOAD_RETIRED.L3_MISS");
  if (!intel.contains("encoded_as")) {
    EXPECT_NE(intel.at("reason").get<std::string>().find("libpfm4 cannot encode"), std::string::npos) << intel.dump();
  }

  const auto bad = run_qbench({"run", "--queue", "sequence_ring", "--items", "100", "--counters", "cycles,cyclez",
                               "--out", out.string()});
  EXPECT_EQ(bad.status, 2) << bad.err;
  EXPECT_NE(bad.err.find("'cyclez' (did you mean cycles?)"), std::string::npos) << bad.err;
  EXPECT_EQ(std::count(bad.err.begin(), bad.err.end(), '\n'), 1) << bad.err;
}

}  // namespace
