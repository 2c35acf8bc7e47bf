// trainer_memory_test.cpp: the trainer's memory plan (plan_train_memory) against what it really
// allocates, chunked replay staging (store_chunk) changing nothing but memory, and the plan's answer
// for performance.md's "10M agents train on one 80 GB GPU" (the GPU defaults, bf16 observations).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <vector>

#include "myriad/trainer.hpp"

namespace myriad {
namespace {

TrainConfig small(const std::string& opponent = "random", int64_t store_chunk = 32768) {
  TrainConfig c;
  c.agents_per_team = 16;
  c.map_size = 24;
  c.max_steps = 60;
  c.episodes = 2;
  c.batch = 32;
  c.seed = 11;
  c.replay_capacity = 4096;
  c.opponent = parse_opponent(opponent);
  c.store_chunk = store_chunk;
  resolve_defaults(c, false);
  return c;
}

TEST(TrainerMemory, PlanIsWhatTheTrainerAllocates) {
  for (const char* opponent : {"random", "both_learn"})
    for (int64_t chunk : {int64_t{32768}, int64_t{5}}) {
      Trainer t(small(opponent, chunk), BackendKind::kCpu);
      const TrainMemory& m = t.memory();
      EXPECT_EQ(m.rows + m.batch, t.ops_allocated_bytes()) << opponent << ", store_chunk " << chunk;
      EXPECT_EQ(m.world, t.world().state_bytes());
      t.run_episode();  // nothing is allocated lazily during training
      EXPECT_EQ(m.rows + m.batch, t.ops_allocated_bytes()) << opponent << ", store_chunk " << chunk;
    }
}

TEST(TrainerMemory, StagingHoldsOneChunkNotTheTeam) {
  Trainer whole(small("random", 32768), BackendKind::kCpu), chunked(small("random", 5), BackendKind::kCpu);
  const int64_t V = whole.world().obs_layout(0).obs_stride(), F = whole.world().obs_layout(0).n_features, K = 21;
  // 16 rows of o′ staging against 5: 11 rows of view, features and ā, in floats.
  EXPECT_EQ(whole.memory().rows - chunked.memory().rows, static_cast<size_t>(11 * (V + F + K) * 4));
}

TEST(TrainerMemory, StoreChunkChangesNothingButMemory) {
  // Half of 16 agents are stored a step, so chunks of 3 split every append into several.
  Trainer a(small("random", 32768), BackendKind::kCpu), b(small("random", 3), BackendKind::kCpu);
  for (int e = 0; e < 2; ++e) {
    const EpisodeMetrics ma = a.run_episode(), mb = b.run_episode();
    EXPECT_EQ(ma.updates, mb.updates);
    EXPECT_EQ(ma.loss, mb.loss);
    EXPECT_EQ(ma.mean_q, mb.mean_q);
    EXPECT_EQ(ma.kills[0], mb.kills[0]);
  }
  EXPECT_GT(a.update_losses().size(), 0u);
  EXPECT_EQ(a.update_losses(), b.update_losses());
  EXPECT_EQ(a.network().params(), b.network().params());
  ASSERT_EQ(a.replay().size(), b.replay().size());
  std::vector<int64_t> slots(static_cast<size_t>(a.replay().size()));
  for (size_t i = 0; i < slots.size(); ++i) slots[i] = static_cast<int64_t>(i);
  const HostReplayBatch ra = a.replay().gather_host(slots), rb = b.replay().gather_host(slots);
  EXPECT_EQ(ra.x, rb.x);
  EXPECT_EQ(ra.x_next, rb.x_next);
  EXPECT_EQ(ra.action, rb.action);
  EXPECT_EQ(ra.reward, rb.reward);
  EXPECT_EQ(ra.done, rb.done);
}

// World bytes at MAgent's density (side ⌈5·√n⌉ for n per team), bf16 observations.
double world_bytes(int64_t per_team) {
  WorldConfig c = battle_config(per_team, static_cast<int>(std::ceil(5.0 * std::sqrt(static_cast<double>(per_team)))));
  c.obs_dtype = ObsDtype::kBf16;
  return static_cast<double>(make_cpu_world(c)->state_bytes());
}

TEST(TrainerMemory, TenMillionAgentsTrainInEightyGigabytes) {
  // The world's bytes are affine in the agents at a fixed density: fit two points, check a third.
  const double w1 = world_bytes(2000), w4 = world_bytes(8000);
  const double per_agent = (w4 - w1) / (2.0 * 6000), fixed = w1 - per_agent * 4000;
  EXPECT_NEAR(world_bytes(4000), fixed + per_agent * 8000, 0.01 * world_bytes(4000));

  TrainConfig c;
  c.agents_per_team = 5000000;
  c.map_size = 11181;  // ⌈5·√(5·10⁶)⌉
  resolve_defaults(c, true);
  ASSERT_EQ(c.obs_dtype, ObsDtype::kBf16);
  WorldConfig wc = battle_config(16, 24);
  wc.obs_dtype = ObsDtype::kBf16;
  const ObsLayout obs = make_cpu_world(wc)->obs_layout(0);
  MlpShape shape;
  shape.outputs = 21;
  shape.inputs = static_cast<int>(obs.obs_stride()) + obs.n_features + shape.outputs;
  shape.hidden = {128, 64};
  auto plan = [&](int64_t per_team) {
    TrainConfig p = c;
    p.agents_per_team = per_team;
    const double world = fixed + per_agent * 2.0 * static_cast<double>(per_team);
    return plan_train_memory(p, shape, obs, static_cast<size_t>(world), true);
  };
  const TrainMemory m = plan(5000000);
  std::printf("10M agents, GPU defaults: world %.1f GB (%.0f B/agent), rows %.1f GB, networks %.2f GB, replay %.1f GB, "
              "batch %.2f GB: %.1f GB\n",
              m.world / 1e9, per_agent, m.rows / 1e9, m.networks / 1e9, m.replay / 1e9, m.batch / 1e9, m.total() / 1e9);
  EXPECT_LT(static_cast<double>(m.total()), 80e9);
  for (double gb : {80.0, 141.0}) {  // the largest battle the plan fits (to 1k agents per team)
    int64_t lo = 1000, hi = int64_t{1} << 32;
    while (hi - lo > 1000) {
      const int64_t mid = lo + (hi - lo) / 2;
      (static_cast<double>(plan(mid).total()) <= gb * 1e9 ? lo : hi) = mid;
    }
    std::printf("largest battle that trains in %.0f GB by the plan: %.1fM agents\n", gb, 2.0 * lo / 1e6);
    EXPECT_GE(2 * lo, 10000000);
  }
}

}  // namespace
}  // namespace myriad
