// Typed warnings (harness/model/warnings.hpp): each kind writes the sentence
// qbench wrote before warnings had kinds, word for word (files and
// scripts/report_verdict.py read them); the results JSON carries each
// warning's kind and figures, which is what qbench reads back; and the
// console's marks follow the kind, whatever the sentence says.
#include <gtest/gtest.h>

#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/model/result_json.hpp"
#include "harness/model/warnings.hpp"
#include "harness/results/point_marks.hpp"
#include "harness/results/point_summary.hpp"

namespace qb {
namespace {

using nlohmann::json;

// One warning of every kind with the sentence today's qbench writes for it,
// spelled out here rather than built from the same format strings.
std::vector<std::pair<Warning, std::string>> every_kind() {
  return {
      {Warning::unbalanced_window(2000, 40, 40), "unbalanced window: 2000 pushed, 40 popped; counted 40"},
      {Warning::starved_thread(ThreadRole::consumer, 2, 3, 900.4), "starved consumer 2: 3 items, fair share 900"},
      {Warning::sequence_limit_hit(ThreadRole::producer, 3), "producer 3 reached the sequence limit and stopped early"},
      {Warning::reference_ceiling(CeilingOp::faa),
       "reference ceiling (fetch-add): nothing is moved, so nothing is validated"},
      {Warning::noisy_repetitions(100 * 0.0723), "noisy: coefficient of variation 7.2% > 5%"},
      {Warning::oversubscribed_cpus(), "oversubscribed: more worker threads than usable CPUs"},
      {Warning::saturated_rate(), "saturated: achieved rate (the repetitions' median) under 99% of the target"},
  };
}

TEST(Warnings, every_kind_writes_the_sentence_qbench_wrote_before_warnings_had_kinds) {
  std::set<WarningKind> covered;
  for (const auto& [w, sentence] : every_kind()) {
    EXPECT_EQ(warning_text(w), sentence);
    covered.insert(w.kind);
  }
  EXPECT_EQ(covered, std::set<WarningKind>(kWarningKinds.begin(), kWarningKinds.end()))
      << "a kind with no sentence checked here";
  EXPECT_EQ(warning_text(Warning::reference_ceiling(CeilingOp::cas)),
            "reference ceiling (compare-and-swap): nothing is moved, so nothing is validated");
  EXPECT_EQ(warning_text(Warning::starved_thread(ThreadRole::producer, 1, 20, 509.6)),
            "starved producer 1: 20 items, fair share 510");
}

TEST(Warnings, a_repetitions_warning_on_its_point_opens_with_its_repetition_counted_from_one) {
  const Warning w = Warning::unbalanced_window(5, 1, 1);
  EXPECT_EQ(warning_text(w.of_repetition(0)), "rep 1: unbalanced window: 5 pushed, 1 popped; counted 1");
  EXPECT_EQ(warning_text(w.of_repetition(11)), "rep 12: unbalanced window: 5 pushed, 1 popped; counted 1");
  EXPECT_EQ(w.of_repetition(11).kind, WarningKind::unbalanced);
  EXPECT_FALSE(w.of_repetition(11) == w) << "the repetition is part of what the warning says";
}

TEST(Warnings, finalize_point_lifts_repetitions_warnings_and_adds_its_own_in_todays_words) {
  PointResult p;
  p.id = "run/sequence_ring/p2c2";
  p.params.producers = p.params.consumers = 2;
  for (int i = 0; i < 2; ++i) {
    RepResult r;
    r.repetition = i;
    r.items_per_s = i == 0 ? 1e6 : 2e6;  // CV 47.1%: noisy
    r.oversubscribed = true;
    p.repetitions.push_back(r);
  }
  p.repetitions[1].warnings = {Warning::starved_thread(ThreadRole::consumer, 1, 7, 1234.5)};
  finalize_point(p);
  ASSERT_EQ(p.status, PointStatus::ok);
  EXPECT_EQ(warning_sentences_json(p.warnings),
            (json{"rep 2: starved consumer 1: 7 items, fair share 1234",
                  "noisy: coefficient of variation 47.1% > 5%",
                  "oversubscribed: more worker threads than usable CPUs"}));
  ASSERT_EQ(p.warnings.size(), 3u);
  EXPECT_EQ(p.warnings[0].kind, WarningKind::starved);
  EXPECT_EQ(p.warnings[0].repetition, 1);
  EXPECT_EQ(p.warnings[1].kind, WarningKind::noisy);
  EXPECT_EQ(p.warnings[2].kind, WarningKind::oversubscribed);
}

TEST(WarningsJson, a_repetition_keeps_every_kind_and_figure_through_json_text) {
  RepResult rep;
  for (const auto& [w, sentence] : every_kind()) rep.warnings.push_back(w);
  const json j = json::parse(json(rep).dump());
  json sentences = json::array();
  for (const auto& [w, sentence] : every_kind()) sentences.push_back(sentence);
  EXPECT_EQ(j.at("warnings"), sentences);
  EXPECT_EQ(j.at("warning_details")[1], (json{{"kind", "starved"}, {"role", "consumer"}, {"thread", 2},
                                              {"items", 3}, {"fair_share", 900.4}}));
  EXPECT_EQ(j.at("warning_details")[3], (json{{"kind", "reference"}, {"op", "faa"}}));
  const auto back = j.get<RepResult>();
  EXPECT_TRUE(back.warnings == rep.warnings) << warning_details_json(back.warnings).dump();
  EXPECT_EQ(back.warnings[1].fair_share, 900.4);  // exact: the sentence rounds it, the details do not
}

TEST(WarningsJson, a_points_lifted_warnings_keep_their_repetition_in_the_details) {
  PointResult p;
  p.warnings = {Warning::sequence_limit_hit(ThreadRole::producer, 0).of_repetition(2), Warning::saturated_rate()};
  const json run = json::parse(json(p).dump());
  EXPECT_EQ(run.at("warnings"), (json{"rep 3: producer 0 reached the sequence limit and stopped early",
                                      "saturated: achieved rate (the repetitions' median) under 99% of the target"}));
  EXPECT_EQ(run.at("warning_details")[0],
            (json{{"kind", "sequence_limit"}, {"repetition", 2}, {"role", "producer"}, {"thread", 0}}));
  const auto back = warnings_from_details(run.at("warning_details"));
  EXPECT_TRUE(back == p.warnings) << warning_details_json(back).dump();
}

TEST(WarningsJson, the_reader_takes_the_kind_from_the_details_never_from_the_sentence) {
  RepResult rep;
  rep.warnings = {Warning::unbalanced_window(2000, 40, 40), Warning::starved_thread(ThreadRole::producer, 1, 20, 510)};
  json j = rep;
  // Reworded, as a later qbench might: nothing in the words says the kind.
  j["warnings"] = {"backlog: the producers ran ahead", "thread producer 1 got little done"};
  const auto back = j.get<RepResult>();
  EXPECT_TRUE(back.warnings == rep.warnings) << warning_details_json(back.warnings).dump();

  PointResult p;
  p.params.producers = 2;
  p.params.consumers = 1;
  RepResult r = back;
  for (int i = 0; i < 3; ++i) r.threads.push_back(ThreadStats{.role = i < 2 ? "producer" : "consumer", .items = 1000});
  r.threads[1].items = 20;
  r.threads[1].starved = true;
  r.threads[2].items = 40;
  p.repetitions = {r};
  for (const auto& w : r.warnings) p.warnings.push_back(w.of_repetition(0));
  const auto marks = point_marks({p});
  EXPECT_EQ(flag_letters(marks[0]), "BS");
  EXPECT_EQ(marks[0].count(WarningKind::unbalanced), 1);
  EXPECT_EQ(marks[0].count(WarningKind::starved), 1);
}

TEST(WarningsJson, an_unknown_kind_or_arrays_that_disagree_are_refused) {
  RepResult rep;
  rep.warnings = {Warning::noisy_repetitions(9)};
  json j = rep;
  j["warning_details"][0]["kind"] = "gloomy";
  EXPECT_THROW(j.get<RepResult>(), std::invalid_argument);
  j = rep;
  j["warnings"].push_back("one sentence too many");
  EXPECT_THROW(j.get<RepResult>(), std::invalid_argument);
  j = rep;
  j.erase("warning_details");
  EXPECT_THROW(j.get<RepResult>(), json::out_of_range);
}

}  // namespace
}  // namespace qb
