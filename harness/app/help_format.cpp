#include "harness/app/help_format.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "harness/machine/terminal.hpp"

namespace qb {

namespace {

// The option column: "  -q,--queue LIST" padded to this, then the help.
constexpr int kNameColumn = 28;
// Joins the words of "(default: 1s)" so that wrap() keeps them on one line.
constexpr char kGlue = '\x1f';

// What a value name means, said once under the options that use it.
const std::map<std::string, std::string, std::less<>>& value_meanings() {
  static const std::map<std::string, std::string, std::less<>> meanings{
      {"N", "a whole number"},
      {"DURATION", "a number and its unit (ns, us, ms, s or m): 500us, 200ms, 1.5s, 2m; 0 alone"},
      {"LIST", "comma-separated, no spaces"},
      {"COUNTS", "counts and ranges: 1,2,4-8"},
      {"SHAPES", "producers x consumers pairs: 1x1,4x4,8x1"},
      {"PATH", "a file's path"},
      {"NAME|PATH", "a name 'qbench list' shows, or a file's path"},
  };
  return meanings;
}

std::string names_of(const CLI::Option* opt) {
  std::string names;
  for (const auto& s : opt->get_snames()) names += (names.empty() ? "-" : ",-") + s;
  for (const auto& l : opt->get_lnames()) names += (names.empty() ? "--" : ",--") + l;
  return names;
}

// A flag is an option expected no times with a value (CLI11: expected(0)).
bool takes_value(const CLI::Option* opt) { return opt->get_expected_max() > 0; }

std::string command_name(const CLI::App* app) {
  return app->get_parent() == nullptr ? std::string("qbench") : "qbench " + app->get_name();
}

// One option: its names and value name, then its help and default, wrapped.
std::string option_entry(const CLI::Option* opt, int width) {
  std::string left = "  " + (opt->nonpositional() ? names_of(opt) : opt->get_type_name());
  if (opt->nonpositional() && takes_value(opt)) left += " " + opt->get_type_name();
  std::string text = opt->get_description();
  if (takes_value(opt) && !opt->get_default_str().empty()) {
    std::string glued = fmt::format("(default: {})", opt->get_default_str());
    std::replace(glued.begin(), glued.end(), ' ', kGlue);
    text += " " + glued;
  }
  std::string out = left;
  if (static_cast<int>(left.size()) + 2 > kNameColumn) {
    out += "\n" + std::string(kNameColumn, ' ');
  } else {
    out += std::string(static_cast<std::size_t>(kNameColumn) - left.size(), ' ');
  }
  return out + wrap(text, width - kNameColumn, kNameColumn) + "\n";
}

// The options of `app` (positionals first, under "Arguments:"), and what the
// value names they use mean.
std::string options_section(const CLI::App* app, int width) {
  std::string args, opts;
  std::set<std::string> used;
  for (const CLI::Option* opt : app->get_options()) {
    if (!opt->nonpositional()) {
      args += option_entry(opt, width);
    } else {
      opts += option_entry(opt, width);
      if (takes_value(opt)) used.insert(opt->get_type_name());
    }
  }
  std::string out;
  if (!args.empty()) out += "Arguments:\n" + args + "\n";
  out += "Options:\n" + opts;
  std::string meanings;
  for (const auto& [name, meaning] : value_meanings()) {
    // DURATION|auto is a DURATION; a choice's names need no gloss.
    const bool uses = used.count(name) > 0 || (name == "DURATION" && used.count("DURATION|auto") > 0);
    if (uses) meanings += "  " + wrap(fmt::format("{}: {}", name, meaning), width - 2, 4) + "\n";
  }
  if (!meanings.empty()) out += "\nValues:\n" + meanings;
  return out;
}

std::string usage_line(const CLI::App* app) {
  std::string usage = "Usage: " + command_name(app) + " [OPTIONS]";
  for (const CLI::Option* opt : app->get_options()) {
    if (!opt->nonpositional()) usage += " " + opt->get_type_name();
  }
  if (!app->get_subcommands([](const CLI::App*) { return true; }).empty()) usage += " COMMAND";
  return usage + "\n";
}

std::string command_help(const CLI::App* app, int width) {
  std::string out = usage_line(app) + "\n" + wrap(app->get_description(), width, 0) + "\n\n";
  out += options_section(app, width);
  const auto subs = app->get_subcommands([](const CLI::App*) { return true; });
  if (!subs.empty()) {
    out += "\nCommands:\n";
    for (const CLI::App* sub : subs) {
      std::string left = "  " + sub->get_name();
      left += std::string(static_cast<std::size_t>(std::max(2, 12 - static_cast<int>(left.size()))), ' ');
      out += left + wrap(sub->get_description(), width - static_cast<int>(left.size()),
                         static_cast<int>(left.size())) + "\n";
    }
    out += "\n" + wrap("'qbench COMMAND --help' describes each command; --help-all describes them all.", width, 0) +
           "\n";
  }
  return out;
}

}  // namespace

int help_width() {
  // The terminal's width (machine/terminal.hpp), at most 120: help wider than that reads worse, not better.
  return static_cast<int>(std::min<std::size_t>(terminal_columns(), 120));
}

std::string wrap(const std::string& text, int width, int indent) {
  const auto room = static_cast<std::size_t>(std::max(width, 10));
  std::istringstream words(text);
  std::string out, line;
  const auto flush = [&] {
    if (!out.empty()) out += "\n" + std::string(static_cast<std::size_t>(indent), ' ');
    out += line;
    line.clear();
  };
  for (std::string word; words >> word;) {
    std::replace(word.begin(), word.end(), kGlue, ' ');
    if (!line.empty() && line.size() + 1 + word.size() > room) flush();
    while (word.size() > room) {  // a word wider than the column: cut
      if (!line.empty()) flush();
      line = word.substr(0, room);
      word.erase(0, room);
      flush();
    }
    if (word.empty()) continue;
    line += (line.empty() ? "" : " ") + word;
  }
  if (!line.empty() || out.empty()) flush();
  return out;
}

std::string HelpFormatter::make_help(const CLI::App* app, std::string /*name*/, CLI::AppFormatMode mode) const {
  const int width = help_width();
  std::string out = command_help(app, width);
  if (mode == CLI::AppFormatMode::All) {
    for (const CLI::App* sub : app->get_subcommands([](const CLI::App*) { return true; })) {
      out += "\n" + std::string(static_cast<std::size_t>(std::min(width, 40)), '-') + "\n" + command_help(sub, width);
    }
  }
  return out;
}

}  // namespace qb
