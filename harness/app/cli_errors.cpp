// CLI11's parse errors in qbench's words: one line naming the argument and,
// where there is one, the closest valid name; never CLI11's own text ("The
// following arguments were not expected", "At Most 1 required but received
// 2"). The parser's state after the error says what went wrong more surely
// than its message, so that is what is read.
#include <cctype>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "harness/app/cli.hpp"
#include "harness/model/closest_name.hpp"

namespace qb {

namespace {

// The command the error is in: the subcommand given, else qbench itself.
const CLI::App* scope_of(const CLI::App& app) {
  const auto given = app.get_subcommands();
  return given.empty() ? &app : given.front();
}

std::string command_name(const CLI::App* scope) {
  return scope->get_parent() == nullptr ? std::string("qbench") : "qbench " + scope->get_name();
}

// A flag is an option expected no times with a value (CLI11: expected(0)).
bool is_flag(const CLI::Option* opt) { return opt->get_expected_max() == 0; }

std::vector<std::string> flags_of(const CLI::App* scope) {
  std::vector<std::string> flags;
  for (const CLI::Option* opt : scope->get_options()) {
    for (const auto& l : opt->get_lnames()) flags.push_back("--" + l);
  }
  return flags;
}

std::vector<std::string> command_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) names.push_back(sub->get_name());
  return names;
}

// "--duration given twice (1s, 2s); give it once": a single-valued option
// given more than once, which CLI11 reports as "At Most 1 required".
std::string given_twice(const CLI::App* scope) {
  for (const CLI::Option* opt : scope->get_options()) {
    if (is_flag(opt) || opt->get_items_expected_max() != 1 || opt->count() < 2) continue;
    const auto& values = opt->results();
    const std::string times = values.size() == 2 ? "twice" : fmt::format("{} times", values.size());
    return fmt::format("{} given {} ({}); give it once", opt->get_name(), times, fmt::join(values, ", "));
  }
  return {};
}

// What was left over: an option no command has, or a word where none is
// taken.
std::string left_over(const CLI::App& app, const CLI::App* scope) {
  const auto rest = app.remaining(true);
  for (const auto& arg : rest) {
    if (arg.size() < 2 || arg.front() != '-') continue;
    const std::string name = arg.substr(0, arg.find('='));
    const auto flags = flags_of(scope);
    if (const auto meant = closest_name(name, flags)) {
      return fmt::format("unknown option {}; did you mean {}?", name, *meant);
    }
    return fmt::format("unknown option {} ('{} --help' lists them)", name, command_name(scope));
  }
  if (rest.empty()) return {};
  const std::string& word = rest.front();
  if (scope == &app) {
    const auto names = command_names(app);
    if (const auto meant = closest_name(word, names)) {
      return fmt::format("unknown command '{}'; did you mean {}?", word, *meant);
    }
    return fmt::format("unknown command '{}' (commands: {})", word, fmt::join(names, ", "));
  }
  return fmt::format("{}: unexpected argument '{}' (an option's value follows its option: '{} --help')",
                     command_name(scope), word, command_name(scope));
}

// The option a CLI11 message names ("--out: 1 required PATH missing", "...
// not an allowed value for --force"), as a whole word.
const CLI::Option* option_named_in(const CLI::App* scope, const std::string& message) {
  const auto is_name_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_'; };
  for (const CLI::Option* opt : scope->get_options()) {
    std::vector<std::string> names;
    for (const auto& l : opt->get_lnames()) names.push_back("--" + l);
    for (const auto& s : opt->get_snames()) names.push_back("-" + s);
    for (const auto& name : names) {
      for (auto at = message.find(name); at != std::string::npos; at = message.find(name, at + 1)) {
        const auto end = at + name.size();
        if ((at == 0 || !is_name_char(message[at - 1])) && (end == message.size() || !is_name_char(message[end]))) {
          return opt;
        }
      }
    }
  }
  return nullptr;
}

std::string in_our_words(const CLI::App& app, const CLI::ParseError& e) {
  const CLI::App* scope = scope_of(app);
  if (auto twice = given_twice(scope); !twice.empty()) return twice;
  if (auto rest = left_over(app, scope); !rest.empty()) return rest;
  const std::string what = e.what();
  if (dynamic_cast<const CLI::RequiredError*>(&e) != nullptr) {
    if (scope == &app) {
      return fmt::format("a command is needed: {} ('qbench --help' says what each does)",
                         fmt::join(command_names(app), ", "));
    }
    for (const CLI::Option* opt : scope->get_options()) {
      if (opt->get_required() && opt->count() == 0) {
        return fmt::format("{} needs {} ('{} --help')", command_name(scope), opt->get_type_name(),
                           command_name(scope));
      }
    }
  }
  if (const CLI::Option* opt = option_named_in(scope, what)) {
    if (is_flag(opt)) return fmt::format("{} takes no value", opt->get_name());
    const std::string example = opt->get_default_str().empty()
                                    ? std::string()
                                    : fmt::format(", e.g. {} {}", opt->get_name(), opt->get_default_str());
    return fmt::format("{} needs a value ({}{})", opt->get_name(), opt->get_type_name(), example);
  }
  // Not met so far; still one line, and not CLI11's words.
  return fmt::format("cannot read this command line ({}); '{} --help' shows what it takes", e.get_name(),
                     command_name(scope));
}

}  // namespace

void CommandLine::parse(int argc, const char* const* argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    throw;
  } catch (const CLI::CallForAllHelp&) {
    throw;
  } catch (const CLI::CallForVersion&) {
    throw;
  } catch (const CLI::ParseError& e) {
    throw UsageError(in_our_words(app, e));
  }
}

}  // namespace qb
