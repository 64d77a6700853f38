// The option table (harness/model/options.hpp) is the one place an option of
// `qbench run` is declared: every row is offered by --help with its default,
// accepted as a key by the scenario parser (and named in the README's list),
// and, where the results hold it, written in a point's params; the defaults a
// PointParams gets are the ones the command line gives a user; and no run
// option is registered outside the table.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/app/cli.hpp"
#include "harness/model/options.hpp"
#include "harness/model/result_json.hpp"
#include "harness/sweep/scenario.hpp"
#include "harness/sweep/sweep.hpp"
#include "tests/qbench_process.hpp"

namespace qb::test {
namespace {

using nlohmann::json;

// The flags on one line of --help ("  -q,--queue LIST  ...", "  --no-fork
// ..."): the first word, split at commas.
std::vector<std::string> flags_of(const std::string& line) {
  std::istringstream words(line);
  std::string first;
  words >> first;
  std::vector<std::string> flags;
  std::istringstream parts(first);
  for (std::string part; std::getline(parts, part, ',');) flags.push_back(part);
  return flags;
}

// Words separated by single spaces: help wrapped at any width reads the same.
std::string words_of(const std::string& text) {
  std::istringstream in(text);
  std::string out;
  for (std::string word; in >> word;) out += (out.empty() ? "" : " ") + word;
  return out;
}

using qb::test::lines_of;

TEST(Options, the_table_has_one_row_per_option_in_order_with_distinct_names) {
  ASSERT_EQ(options().size(), kOptionCount);
  std::set<std::string_view> flags, keys, params;
  for (std::size_t i = 0; i < options().size(); ++i) {
    const Option& o = options()[i];
    EXPECT_EQ(option_index(o.id), i) << o.flag;
    EXPECT_TRUE(flags.insert(o.flag).second) << o.flag;
    EXPECT_TRUE(keys.insert(o.key).second) << o.key;
    if (!o.param.empty()) { EXPECT_TRUE(params.insert(o.param).second) << o.param; }
    EXPECT_FALSE(o.help.empty()) << o.flag;
    EXPECT_EQ(o.kind == OptionKind::choice || o.kind == OptionKind::choice_list, !o.choices.empty()) << o.flag;
    EXPECT_EQ(!o.param.empty(), o.field.index() != 0) << o.flag << ": a params key needs a field, and back";
    if (o.scope == OptionScope::point) { EXPECT_NE(o.field.index(), 0u) << o.flag; }
  }
}

TEST(Options, every_option_is_in_run_help_with_its_value_name_help_and_one_default_and_no_other_is) {
  const auto r = run_qbench({"run", "--help"});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto lines = lines_of(r.out);
  std::set<std::string> listed;
  for (const auto& line : lines) {
    for (const auto& flag : flags_of(line)) {
      if (flag.starts_with("--")) listed.insert(flag);
    }
  }
  for (const Option& o : options()) {
    SCOPED_TRACE(std::string(o.flag));
    const auto line = std::find_if(lines.begin(), lines.end(), [&](const std::string& l) {
      const auto flags = flags_of(l);
      return std::find(flags.begin(), flags.end(), o.flag) != flags.end();
    });
    ASSERT_NE(line, lines.end()) << r.out;
    if (!o.alias.empty()) { EXPECT_NE(line->find(std::string(o.alias) + ","), std::string::npos) << *line; }
    const std::string named = std::string(o.flag) + " " + value_name(o);
    const auto at = line->find(named);
    ASSERT_NE(at, std::string::npos) << *line;
    EXPECT_TRUE(at + named.size() == line->size() || (*line)[at + named.size()] == ' ') << *line;
    // The option's entry: its line and the wrapped lines under it.
    std::string entry = *line;
    for (auto next = line + 1; next != lines.end() && next->starts_with("    "); ++next) {
      entry += " " + *next;
    }
    entry = words_of(entry);
    EXPECT_NE(entry.find(words_of(o.help)), std::string::npos) << "help line missing: " << entry;
    const auto shown = entry.find("(default: ");
    if (o.default_text) {
      ASSERT_NE(shown, std::string::npos) << entry;
      EXPECT_EQ(entry.substr(shown), "(default: " + *o.default_text + ")") << "another default: " << entry;
    } else {
      EXPECT_EQ(shown, std::string::npos) << "no default, yet one is shown: " << entry;
    }
    listed.erase(std::string(o.flag));
  }
  // What is left are the command's own flags, which no scenario sets.
  const std::set<std::string> own{"--help", "--help-all", "--scenario", "--plugin", "--out", "--force", "--wide",
                                  "--format", "--plan", "--no-fork"};
  for (const auto& flag : listed) EXPECT_TRUE(own.count(flag)) << flag << " is registered outside the option table";
}

// A value of each kind that the scenario parser and the command line take.
json sample(const Option& o) {
  switch (o.kind) {
    case OptionKind::queue_list: return json::array({"sequence_ring"});
    case OptionKind::count_list: return 2;
    case OptionKind::shape_list: return json::array({"2x1"});
    case OptionKind::count:
      if (o.id == Opt::payload_bytes) return 64;
      if (o.id == Opt::capacity) return 1024;
      return std::max<std::uint64_t>(o.min, 3);
    case OptionKind::duration: return "250ms";
    case OptionKind::choice: return o.choices.back();
    case OptionKind::choice_list: return json::array({o.choices.back(), o.choices.front()});
    case OptionKind::counter_list: return "none";
  }
  return nullptr;
}

TEST(Options, every_option_is_a_scenario_key_that_the_command_line_then_takes) {
  for (const Option& o : options()) {
    SCOPED_TRACE(std::string(o.key));
    json doc{{"name", "t"}, {"description", "throughput: a test"}, {std::string(o.key), sample(o)}};
    if (o.id == Opt::capacity) doc["queues"] = json::array({"sequence_ring"});  // a capacity is a queue's
    Scenario s;
    ASSERT_NO_THROW(s = parse_scenario(doc, "t.json"));
    ASSERT_TRUE(s.value(o.id).has_value());
    for (const Option& other : options()) {
      if (other.id != o.id && !doc.contains(std::string(other.key))) { EXPECT_FALSE(s.value(other.id)) << other.key; }
    }
    const auto path = scratch_dir() / "option.json";
    std::ofstream(path) << doc.dump();
    CommandLine cli;
    std::vector<std::string> args{"qbench", "run", "--scenario", path.string()};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    ASSERT_NO_THROW({
      cli.parse(static_cast<int>(argv.size()), argv.data());
      cli.finish();
    });
    // A point option's value reaches the point, and its params.
    if (o.scope == OptionScope::point) {
      PointParams want;
      parse_option(want, o, o.flag, *s.value(o.id));
      EXPECT_EQ(option_param(cli.command.sweep.base, o), option_param(want, o));
      EXPECT_NE(option_param(cli.command.sweep.base, o), option_param(PointParams{}, o)) << "the sample is the default";
    }
  }
}

TEST(Options, the_readme_names_every_scenario_key) {
  std::ifstream in(std::filesystem::path(QB_SOURCE_DIR) / "README.md");
  std::stringstream text;
  text << in.rdbuf();
  const std::string readme = text.str();
  const auto keys_at = readme.find("Keys: `name`");
  ASSERT_NE(keys_at, std::string::npos);
  const std::string keys = readme.substr(keys_at, readme.find('\n', keys_at) - keys_at);
  for (const Option& o : options()) {
    EXPECT_NE(keys.find("`" + std::string(o.key) + "`"), std::string::npos) << o.key;
  }
}

TEST(Options, a_points_params_are_the_tables_keys_with_the_command_lines_defaults) {
  const json fresh = PointParams{};
  std::set<std::string> from_table;
  for (const Option& o : options()) {
    if (o.param.empty()) continue;
    from_table.insert(std::string(o.param));
    EXPECT_TRUE(fresh.contains(std::string(o.param))) << o.param;
  }
  for (const auto& [key, value] : fresh.items()) EXPECT_TRUE(from_table.count(key)) << key << " is not the table's";

  // The point a bare `qbench run -q sequence_ring` plans, against a fresh
  // PointParams: one default for each option either has.
  CommandLine cli;
  std::vector<std::string> args{"qbench", "run", "-q", "sequence_ring"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  cli.parse(static_cast<int>(argv.size()), argv.data());
  cli.finish();
  const auto points = plan_sweep(cli.command.sweep).points;
  ASSERT_EQ(points.size(), 1u);
  const json planned = points[0].params;
  for (const Option& o : options()) {
    if (o.param.empty() || !o.default_text || o.kind == OptionKind::queue_list) continue;
    EXPECT_EQ(planned.at(std::string(o.param)), fresh.at(std::string(o.param))) << o.param;
  }
  EXPECT_EQ(cli.command.sweep.repetitions, SweepRequest{}.repetitions);
  EXPECT_EQ(SweepRequest{}.repetitions, std::stoi(*option(Opt::repetitions).default_text));
  // The table's own words, in case both sides drifted together.
  EXPECT_EQ(fresh.at("warmup_ns"), 200'000'000);
  EXPECT_EQ(fresh.at("timeout_ns"), auto_timeout(std::chrono::milliseconds(200), std::chrono::seconds(1), false).count());
}

TEST(Options, a_params_key_older_files_lack_keeps_the_default_and_a_required_one_throws) {
  for (const Option& o : options()) {
    if (o.param.empty()) continue;
    SCOPED_TRACE(std::string(o.param));
    json j = PointParams{};
    j.erase(std::string(o.param));
    if (o.param_optional) {
      EXPECT_EQ(json(j.get<PointParams>()), json(PointParams{}));
    } else {
      EXPECT_THROW(j.get<PointParams>(), json::out_of_range);
    }
  }
}

TEST(Options, a_bad_choice_names_every_valid_value) {
  for (const Option& o : options()) {
    if (o.kind != OptionKind::choice && o.kind != OptionKind::choice_list) continue;
    SCOPED_TRACE(std::string(o.flag));
    PointParams p;
    const std::string refusal = std::string(o.flag) + ": 'bogus' is not one of " + choices_text(o);
    try {
      if (o.kind == OptionKind::choice) parse_option(p, o, o.flag, "bogus");
      else parse_option_choices(o, o.flag, o.choices.front() + ",bogus");
      FAIL() << "accepted";
    } catch (const UsageError& e) {
      EXPECT_EQ(std::string(e.what()), refusal);
    }
    for (const auto& name : o.choices) EXPECT_NO_THROW(parse_option(p, o, o.flag, name)) << name;
  }
}

TEST(Options, a_choice_list_is_its_names_in_order_each_once_and_nothing_else) {
  const Option& wait = option(Opt::wait);
  ASSERT_EQ(wait.kind, OptionKind::choice_list);
  EXPECT_EQ(parse_option_choices(wait, "--wait", "block,spin"), (std::vector<std::string>{"block", "spin"}));
  EXPECT_EQ(parse_option_choices(wait, "--wait", "pause"), std::vector<std::string>{"pause"});
  const auto refusal = [&](const char* text) {
    try {
      parse_option_choices(wait, "--wait", text);
    } catch (const UsageError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_EQ(refusal("spin,blok"), "--wait: 'blok' is not one of spin, pause, backoff, block; did you mean block?");
  EXPECT_EQ(refusal("spin,block,spin"), "--wait: 'spin,block,spin' has spin twice");
  EXPECT_EQ(refusal("spin,"), "--wait: '' is not one of spin, pause, backoff, block");
  EXPECT_EQ(refusal(""), "--wait: '' is not one of spin, pause, backoff, block");
}

}  // namespace
}  // namespace qb::test
