// eval_test.cpp: head-to-head evaluation: the Wilson interval against published values, side
// swapping and outcomes with scripted players, checkpoint players, and `myriad eval` end to end.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "binary_fixture.hpp"
#include "myriad/evaluate.hpp"
#include "myriad/games/game.hpp"
#include "myriad/players.hpp"
#include "myriad/trainer.hpp"

namespace myriad {
namespace {

TEST(Wilson, MatchesTheScoreIntervalFormula) {
  auto [lo, hi] = wilson_interval(95, 100);
  EXPECT_NEAR(lo, 0.88825, 1e-4);
  EXPECT_NEAR(hi, 0.97846, 1e-4);
  std::tie(lo, hi) = wilson_interval(5, 10);
  EXPECT_NEAR(lo, 0.23659, 1e-4);
  EXPECT_NEAR(hi, 0.76341, 1e-4);
  std::tie(lo, hi) = wilson_interval(100, 100);
  EXPECT_NEAR(lo, 0.96300, 1e-4);
  EXPECT_DOUBLE_EQ(hi, 1.0);
  std::tie(lo, hi) = wilson_interval(0, 20);
  EXPECT_DOUBLE_EQ(lo, 0.0);
  EXPECT_NEAR(hi, 0.16113, 1e-4);
  std::tie(lo, hi) = wilson_interval(0, 0);
  EXPECT_EQ(lo, 0.0);
  EXPECT_EQ(hi, 1.0);
}

EvalConfig small_eval(const std::string& a, const std::string& b, int64_t episodes) {
  EvalConfig c;
  c.a = a;
  c.b = b;
  c.episodes = episodes;
  c.agents_per_team = 16;
  c.map_size = 24;
  c.max_steps = 150;
  c.backend = BackendKind::kCpu;
  return c;
}

TEST(Evaluate, ScriptedBeatsNoopOnBothSidesAndCountsAddUp) {
  const EvalResult r = evaluate(small_eval("scripted", "noop", 4));
  ASSERT_EQ(r.episodes.size(), 4u);
  for (const EvalEpisode& e : r.episodes) EXPECT_EQ(e.a_group, static_cast<int>(e.episode % 2)) << "sides swap";
  EXPECT_EQ(r.wins + r.draws + r.losses, 4);
  EXPECT_EQ(r.wins, 4) << "scripted attackers against agents that stay put";
  EXPECT_DOUBLE_EQ(r.win_rate, 1.0);
  EXPECT_GT(r.mean_kills[0], r.mean_kills[1]);
  EXPECT_LT(r.mean_survivors[1], 16.0);
  EXPECT_EQ(r.wins_by_side[0] + r.wins_by_side[1], r.wins);
  EXPECT_EQ(r.wins_by_side[0], 2);
  EvalConfig rp = small_eval("scripted", "noop", 2);
  rp.placement = Placement::kRandom;
  EXPECT_EQ(evaluate(rp).wins, 2) << "random placement plays too";
  const EvalResult mirror = evaluate(small_eval("noop", "scripted", 2));
  EXPECT_EQ(mirror.losses, 2);
  EXPECT_DOUBLE_EQ(mirror.win_rate, 0.0);
}

TEST(Evaluate, CheckpointPlayersAreGreedyAndDeterministic) {
  TrainConfig t;
  t.agents_per_team = 16;
  t.map_size = 24;
  t.max_steps = 60;
  t.batch = 32;
  t.hidden = {32};
  t.replay_capacity = 4096;
  resolve_defaults(t, false);
  Trainer tr(t, BackendKind::kCpu);
  tr.run_episode();
  const std::string path = (std::filesystem::temp_directory_path() / ("myriad_eval_ckpt_" + std::to_string(::getpid()) + ".bin")).string();
  write_checkpoint(path, tr.checkpoint());
  EvalConfig c = small_eval(path, "random", 2);
  c.agents_per_team = c.map_size = c.max_steps = 0;  // from the checkpoint
  const EvalResult a = evaluate(c), b = evaluate(c);
  EXPECT_EQ(a.config.agents_per_team, 16);
  EXPECT_EQ(a.config.max_steps, 60);
  for (size_t e = 0; e < a.episodes.size(); ++e) {
    EXPECT_EQ(a.episodes[e].kills[0], b.episodes[e].kills[0]);
    EXPECT_EQ(a.episodes[e].kills[1], b.episodes[e].kills[1]);
  }
  // A larger population alone keeps MAgent's density: the map grows with it (not the checkpoint's 24).
  EvalConfig big = c;
  big.agents_per_team = 400;
  big.max_steps = 5;
  big.episodes = 1;
  GameSize dense;
  dense.agents_per_team = 400;
  const int density_side = game_config(Scenario::kBattle, dense).width;
  ASSERT_GT(density_side, 24);
  const EvalResult grown = evaluate(big);
  EXPECT_EQ(grown.config.map_size, density_side);
  EXPECT_EQ(grown.config.agents_per_team, 400);
  // The checkpoint's own population keeps its training map; a map given is kept.
  big.agents_per_team = 16;
  EXPECT_EQ(resolve_eval_config(big).map_size, 24);
  big.agents_per_team = 400;
  big.map_size = 120;
  EXPECT_EQ(resolve_eval_config(big).map_size, 120);
  // A world with the minimap gives wider rows: the checkpoint is refused with the reason.
  c.minimap = 1;
  try {
    evaluate(c);
    ADD_FAILURE() << "a network of another input width was accepted";
  } catch (const std::invalid_argument& e) {  // the input's fault: the CLI exits 2
    EXPECT_NE(std::string(e.what()).find("inputs"), std::string::npos) << e.what();
  }
  std::filesystem::remove(path);
}

using EvalCli = test::BinaryTest;

TEST_F(EvalCli, WritesJsonWithTheIntervalAndRejectsBadPlayers) {
  const std::string json = (dir_ / "eval.json").string();
  const test::CmdResult r =
      myriad("eval scripted random -e 2 --agents-per-team 16 --map-size 24 --max-steps 80 --backend cpu -q --json " +
             json);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("Wilson 95%"), std::string::npos) << r.out;
  const nlohmann::json j = nlohmann::json::parse(test::read_text(json));
  EXPECT_EQ(j["episodes"], 2);
  EXPECT_EQ(j["per_episode"].size(), 2u);
  EXPECT_EQ(j["wins"].get<int>() + j["draws"].get<int>() + j["losses"].get<int>(), 2);
  EXPECT_LE(j["wilson95"][0].get<double>(), j["win_rate"].get<double>());
  EXPECT_GE(j["wilson95"][1].get<double>(), j["win_rate"].get<double>());

  const test::CmdResult missing = myriad("eval /nonexistent.bin random");
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.err.find("no such file"), std::string::npos) << missing.err;
  std::ofstream(dir_ / "junk.bin") << "not a checkpoint";
  const test::CmdResult junk = myriad("eval " + (dir_ / "junk.bin").string() + " random");
  EXPECT_EQ(junk.code, 2);
  EXPECT_NE(junk.err.find("junk.bin"), std::string::npos) << junk.err;
  EXPECT_EQ(junk.err.find('\n'), junk.err.size() - 1) << "one line: " << junk.err;
  const test::CmdResult one = myriad("eval random");
  EXPECT_EQ(one.code, 2);
}

}  // namespace
}  // namespace myriad
