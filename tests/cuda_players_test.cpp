// cuda_players_test.cpp: a checkpoint network playing beside a world policy on CUDA chooses the
// actions the CPU does (greedy, the same network): the world's policy kernel writes "stay" for the
// network's group on its own stream, and the network's selection must land after it. Skips without
// a device (CudaTest).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "cuda_test_fixture.hpp"
#include "myriad/players.hpp"
#include "myriad/trainer.hpp"

namespace myriad {
namespace {

class CudaPlayersTest : public CudaTest {};

TEST_F(CudaPlayersTest, NetworkBesideScriptedActsAsOnTheCpu) {
  TrainConfig t;
  t.agents_per_team = 16;
  t.map_size = 24;
  t.max_steps = 40;
  t.batch = 32;
  t.replay_capacity = 4096;
  resolve_defaults(t, false);
  Trainer tr(t, BackendKind::kCpu);
  tr.run_episode();
  const std::string path = (std::filesystem::temp_directory_path() / ("myriad_cuda_players_" + std::to_string(::getpid()) + ".bin")).string();
  write_checkpoint(path, tr.checkpoint());

  // 2 × 20,000 agents: the scripted kernel (a tile search per agent) runs long enough that a select
  // racing it would lose many of red's actions to its "stay".
  WorldConfig wc = battle_config(20000, 708);
  auto cpu = make_world(BackendKind::kCpu, wc), gpu = make_world(BackendKind::kCuda, wc);
  PolicySpec scripted;
  scripted.kind = PolicyKind::kScripted;
  const std::vector<PlayerSpec> specs{PlayerSpec{PolicySpec{}, path}, PlayerSpec{scripted, ""}};
  Players pc(*cpu, specs), pg(*gpu, specs);
  cpu->reset(7);
  gpu->reset(7);
  for (int step = 0; step < 3; ++step) {
    pc.observe();
    pg.observe();
    pc.act(static_cast<uint32_t>(step));
    pg.act(static_cast<uint32_t>(step));
    gpu->synchronize();
    const HostState a = cpu->snapshot(), b = gpu->snapshot();
    int64_t red = 0, differ = 0;
    for (size_t i = 0; i < a.action.size(); ++i) {
      if (a.group[i] != 0 || !a.alive[i]) continue;
      ++red;
      differ += a.action[i] != b.action[i];
    }
    // Greedy argmax of nearly equal Q values may flip under the ~1e-6 float differences of the two
    // networks; a lost race would change a large share.
    EXPECT_LE(differ, red / 200) << "step " << step << ": " << differ << " of " << red << " red actions differ";
    cpu->step();
    gpu->step();
  }
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace myriad
