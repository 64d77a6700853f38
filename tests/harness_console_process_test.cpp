// What `qbench run` prints, run through the real qbench on this machine: the
// counters it was asked for, counted or not and why; a name libpfm4 knows in
// no table refused; the table within the terminal's width, every column
// with --wide.
#include <gtest/gtest.h>

#include <stdlib.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "tests/qbench_process.hpp"

namespace {

namespace fs = std::filesystem;
using qb::test::run_qbench;
using qb::test::scratch_dir;

// The text with the lines qbench wrapped (a newline and a two-space indent) joined again.
std::string unwrapped(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 3, "\n  ") == 0) {
      out += ' ';
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

// Whether `text` holds `before`, a number (digits, '.' and ','), then `after`.
// (Plain string search: std::regex trips GCC 12's -Wmaybe-uninitialized in the sanitizer builds.)
bool has_figure(const std::string& text, const std::string& before, const std::string& after) {
  for (auto at = text.find(before); at != std::string::npos; at = text.find(before, at + 1)) {
    auto end = at + before.size();
    const auto start = end;
    while (end < text.size() && (std::isdigit(static_cast<unsigned char>(text[end])) != 0 || text[end] == '.' ||
                                 text[end] == ',')) {
      ++end;
    }
    if (end > start && std::isdigit(static_cast<unsigned char>(text[start])) != 0 &&
        text.compare(end, after.size(), after) == 0) {
      return true;
    }
  }
  return false;
}

using qb::test::lines_of;

// stdout is a file here, not a terminal: COLUMNS, when set, is the width.
class Columns : public ::testing::Test {
 protected:
  void SetUp() override { setenv("COLUMNS", "80", 1); }
  void TearDown() override { unsetenv("COLUMNS"); }
};

// The default table at 80 columns was 97 to 116 wide whatever the terminal. Our own queues, which every
// build has (a ThreadSanitizer build leaves the Rust ones out); elastic_locked is the longest name of them.
const std::vector<std::string> kSweep = {"run", "--queue", "elastic_locked,sequence_ring", "-p", "1,2",
                                         "-c", "1", "--items", "20000", "--warmup", "5ms", "-r", "2"};

TEST_F(Columns, a_run_prints_the_counters_it_was_asked_for_counted_with_a_figure_or_not_with_why) {
  const auto r = run_qbench({"run", "-q", "sequence_ring", "-p", "1", "-c", "1", "--items", "20000", "--warmup", "5ms",
                             "-r", "1", "--counters", "task-clock,cycles"});
  ASSERT_EQ(r.status, 0) << r.err << r.out;
  const std::string out = unwrapped(r.out);
  EXPECT_TRUE(has_figure(out, "counted: task-clock ", " ns/item")) << r.out;
  // cycles: counted with a PMU, else said not to be, and why.
  EXPECT_TRUE(has_figure(out, "cycles ", "/item") ||
              out.find("not counted: cycles (no hardware PMU)") != std::string::npos)
      << r.out;
  EXPECT_EQ(out.find("cache-misses"), std::string::npos) << "not asked for\n" << r.out;
}

TEST(QbenchConsole, an_event_libpfm4_knows_in_no_table_is_a_usage_error_naming_the_closest) {
  const auto out = scratch_dir() / "bogus-event.json";
  fs::remove(out);
  const auto r = run_qbench({"run", "-q", "sequence_ring", "--items", "1000", "--counters", "task-clock,bogus-event",
                             "--out", out.string()});
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_EQ(r.err.rfind("qbench: --counters bogus-event: libpfm4 knows no such event; closest: ", 0), 0u) << r.err;
  EXPECT_FALSE(fs::exists(out)) << "nothing ran, so nothing is written";
  EXPECT_FALSE(fs::exists(out.string() + ".journal"));
  // Known to libpfm4, countable here or not: a status, not an error.
  const auto known = run_qbench({"run", "-q", "sequence_ring", "--items", "1000", "--warmup", "5ms", "-r", "1",
                                 "--counters", "MEM_LOAD_RETIRED.L3_MISS", "--plan"});
  EXPECT_EQ(known.status, 0) << known.err;
}

TEST_F(Columns, the_table_fits_80_columns_and_wide_keeps_every_column) {
  const auto r = run_qbench(kSweep);
  ASSERT_LE(r.status, 1) << r.err;
  const auto lines = lines_of(r.out);
  ASSERT_GT(lines.size(), 4u) << r.out;
  for (const auto& line : lines) EXPECT_LE(line.size(), 80u) << line << "\n" << r.out;
  EXPECT_EQ(lines[0].rfind("queue", 0), 0u) << r.out;

  auto wide_args = kSweep;
  wide_args.push_back("--wide");
  const auto wide = run_qbench(wide_args);
  ASSERT_LE(wide.status, 1) << wide.err;
  const std::string header = lines_of(wide.out).at(0);
  for (const char* column : {"items/s (median)", "ns/item", "CPU ns/item", "items/CPU-s", "min items/s",
                             "max items/s", "CV %", "p50 ns", "p99 ns", "reps", "status"}) {
    EXPECT_NE(header.find(column), std::string::npos) << column << " in\n" << wide.out;
  }
}

}  // namespace
