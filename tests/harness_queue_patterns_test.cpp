// --queue's names, globs and exclusions (harness/registry/queue_patterns.hpp), on a
// small registry of our own so that each case is plain to read, and on the
// real one through parse_queue_names.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "harness/app/cli.hpp"
#include "harness/model/usage_error.hpp"
#include "harness/registry/queue_patterns.hpp"
#include "harness/registry/queue_table.hpp"

namespace {

using Names = std::vector<std::string>;

// Registry order on purpose not alphabetical, to tell the orders apart. It
// has no ck_ring_mpmc: that peer plays one that this build left out.
const Names kRegistry{"sequence_ring", "mutex_deque", "xenium_ms_queue", "xenium_vyukov_bounded", "locked_ring", "q"};

Names select(const std::string& text) { return qb::select_queues("--queue", text, kRegistry); }

// The UsageError's message; "" when none was thrown.
std::string error_of(const std::string& text) {
  try {
    select(text);
  } catch (const qb::UsageError& e) {
    return e.what();
  }
  return "";
}

TEST(QueuePatterns, names_keep_the_order_they_are_given_in) {
  EXPECT_EQ(select("locked_ring,sequence_ring"), (Names{"locked_ring", "sequence_ring"}));
}

TEST(QueuePatterns, all_is_every_queue_in_registry_order) { EXPECT_EQ(select("all"), kRegistry); }

TEST(QueuePatterns, a_star_glob_adds_its_matches_in_registry_order) {
  EXPECT_EQ(select("xenium_*"), (Names{"xenium_ms_queue", "xenium_vyukov_bounded"}));
  EXPECT_EQ(select("*_ring"), (Names{"sequence_ring", "locked_ring"}));
}

TEST(QueuePatterns, a_question_mark_matches_one_character) {
  EXPECT_EQ(select("?"), (Names{"q"}));
  EXPECT_EQ(select("mutex_dequ?"), (Names{"mutex_deque"}));
}

TEST(QueuePatterns, a_bracket_glob_matches_one_of_its_characters) {
  EXPECT_EQ(select("[ls]*_ring"), (Names{"sequence_ring", "locked_ring"}));
}

TEST(QueuePatterns, an_exclusion_removes_what_it_matches_from_the_queues_before_it) {
  EXPECT_EQ(select("xenium_*,-xenium_ms_queue"), (Names{"xenium_vyukov_bounded"}));
  EXPECT_EQ(select("all,-mutex_deque,-*_ring"), (Names{"xenium_ms_queue", "xenium_vyukov_bounded", "q"}));
}

TEST(QueuePatterns, items_apply_left_to_right_so_a_later_name_adds_back_what_an_exclusion_removed) {
  EXPECT_EQ(select("*_ring,-locked_ring,locked_ring"), (Names{"sequence_ring", "locked_ring"}));
}

TEST(QueuePatterns, a_list_that_starts_with_an_exclusion_starts_from_all) {
  EXPECT_EQ(select("-xenium_*"), (Names{"sequence_ring", "mutex_deque", "locked_ring", "q"}));
}

TEST(QueuePatterns, a_queue_named_twice_runs_once_where_it_was_first_added) {
  EXPECT_EQ(select("locked_ring,*_ring,locked_ring"), (Names{"locked_ring", "sequence_ring"}));
}

TEST(QueuePatterns, an_unknown_name_is_an_error_naming_it_and_the_known_queues) {
  const auto message = error_of("sequence_ring,no_such_queue");
  EXPECT_NE(message.find("--queue: unknown queue 'no_such_queue'"), std::string::npos) << message;
  EXPECT_NE(message.find("mutex_deque"), std::string::npos) << message;
}

TEST(QueuePatterns, a_glob_matching_nothing_is_an_error_naming_it) {
  const auto message = error_of("sequence_ring,nope_*");
  EXPECT_NE(message.find("'nope_*', which matches no queue"), std::string::npos) << message;
}

TEST(QueuePatterns, an_exclusion_matching_nothing_is_an_error_naming_it) {
  EXPECT_NE(error_of("all,-nope_*").find("'-nope_*', which matches no queue"), std::string::npos);
  EXPECT_NE(error_of("all,-no_such_queue").find("unknown queue 'no_such_queue'"), std::string::npos);
}

TEST(QueuePatterns, a_peer_left_out_of_the_build_may_be_excluded_but_not_asked_for) {
  EXPECT_EQ(select("*_ring,-ck_ring_mpmc"), (Names{"sequence_ring", "locked_ring"}));
  const auto message = error_of("ck_ring_mpmc");
  EXPECT_NE(message.find("'ck_ring_mpmc'"), std::string::npos) << message;
  // Why it is missing: the package to install, or (a TSan build) why such
  // builds leave ck out.
#if defined(__SANITIZE_THREAD__)
  EXPECT_NE(message.find("left out of ThreadSanitizer builds"), std::string::npos) << message;
#else
  EXPECT_NE(message.find("libck-dev"), std::string::npos) << "says which package to install: " << message;
#endif
}

TEST(QueuePatterns, a_list_that_leaves_no_queue_is_an_error) {
  EXPECT_NE(error_of("sequence_ring,-sequence_ring").find("leaves no queue to run"), std::string::npos);
  EXPECT_NE(error_of("-all").find("leaves no queue to run"), std::string::npos);
}

TEST(QueuePatterns, an_empty_item_is_an_error) {
  EXPECT_NE(error_of("sequence_ring,,locked_ring").find("empty item"), std::string::npos);
  EXPECT_NE(error_of("sequence_ring,").find("empty item"), std::string::npos);
  EXPECT_NE(error_of("").find("empty item"), std::string::npos);
  EXPECT_NE(error_of("all,-").find("empty exclusion"), std::string::npos);
}

TEST(QueuePatterns, every_error_is_one_line_starting_with_the_option) {
  for (const char* text : {"nope", "nope_*", "all,-nope", "-all", "a,,b"}) {
    const auto message = error_of(text);
    EXPECT_TRUE(message.starts_with("--queue: ")) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
}

TEST(QueuePatterns, the_command_line_reads_them_over_the_real_registry) {
  Names registry;
  for (const auto& e : qb::queue_table()) registry.emplace_back(e.traits.name);
  EXPECT_EQ(qb::parse_queue_names("all"), registry);
  const auto rings = qb::parse_queue_names("*_ring,-locked_ring");
  EXPECT_EQ(rings.front(), "sequence_ring");
  EXPECT_EQ(std::count(rings.begin(), rings.end(), "locked_ring"), 0);
}

}  // namespace
