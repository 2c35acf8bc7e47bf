#include <gtest/gtest.h>
#include "myriad/world.hpp"
TEST(Smoke, BattleRuns) {
  auto w = myriad::make_cpu_world(myriad::battle_config(0, 0));
  w->reset(1);
  for (int k = 0; k < 20; ++k) { w->act({{}, {}}); w->step(); }
  EXPECT_EQ(w->step_index(), 20);
}
