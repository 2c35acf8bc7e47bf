// render_test.cpp: World::render on a hand-built world (exact pixels of walls, empty cells, agents,
// max-pooling, upscaling with gutters, crops), fit_render, PNG round trip, video, CUDA = CPU, CLI.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "cuda_test_fixture.hpp"
#include "png_writer.hpp"
#include "myriad/games/game.hpp"
#include "test_worlds.hpp"
#include "video_writer.hpp"

namespace myriad {
namespace {

namespace fs = std::filesystem;
using test::Pos;

Rgb8 pixel(const std::vector<uint8_t>& rgb, const RenderParams& rp, int px, int py) {
  const size_t k = (static_cast<size_t>(py) * rp.width + px) * 3;
  return Rgb8{rgb[k], rgb[k + 1], rgb[k + 2]};
}

::testing::AssertionResult same(Rgb8 got, Rgb8 want) {
  if (got.r == want.r && got.g == want.g && got.b == want.b) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "got (" << +got.r << "," << +got.g << "," << +got.b << "), want ("
                                       << +want.r << "," << +want.g << "," << +want.b << ")";
}

RenderParams plain(int w, int h, int pool, int cell_px, int x0 = 0, int y0 = 0) {
  RenderParams rp;
  rp.x0 = x0, rp.y0 = y0, rp.crop_w = w, rp.crop_h = h, rp.pool = pool, rp.cell_px = cell_px;
  rp.width = cell_px > 1 ? w * cell_px : (w + pool - 1) / pool;
  rp.height = cell_px > 1 ? h * cell_px : (h + pool - 1) / pool;
  return rp;
}

// 12×12 battle map (border walls) with extra walls at (5,5), (8,8); red 0 (2,2), red 1 (3,2),
// red 2 (4,4), blue 3 (4,2). Blue hits red 1 in one step: red 1 ends at 10 - 2 + 0.1 hp.
class RenderWorld : public ::testing::Test {
 protected:
  void SetUp() override {
    cfg_ = test::battle(3, 1, 12);
    cfg_.walls = {{5, 5}, {8, 8}};
    world_ = test::world_at(cfg_, {{2, 2}, {3, 2}, {4, 4}}, {{4, 2}});
    test::step_with(*world_, {{3, test::action_of(*world_, 3, -1, 0, true)}});
    state_ = world_->snapshot();
    ASSERT_FLOAT_EQ(state_.hp[1], test::hit_then_recover(10.0f, 1, cfg_.groups[0].type, 2.0f));
  }
  Rgb8 agent(int i) const { return render_agent_color(world_->groups().color[state_.group[i]], state_.hp[i], 10.0f); }
  uint32_t color(int g) const { return world_->groups().color[g]; }

  WorldConfig cfg_;
  std::unique_ptr<World> world_;
  HostState state_;
};

TEST_F(RenderWorld, OnePixelPerCellMatchesTheOccupancy) {
  const RenderParams rp = plain(12, 12, 1, 1);
  const auto rgb = world_->render(rp);
  ASSERT_EQ(rgb.size(), 12u * 12u * 3u);
  EXPECT_TRUE(same(pixel(rgb, rp, 0, 0), render_wall_color()));   // border
  EXPECT_TRUE(same(pixel(rgb, rp, 5, 5), render_wall_color()));   // extra wall
  EXPECT_TRUE(same(pixel(rgb, rp, 1, 1), render_empty_color()));
  EXPECT_TRUE(same(pixel(rgb, rp, 2, 2), agent(0)));
  EXPECT_TRUE(same(pixel(rgb, rp, 3, 2), agent(1)));
  EXPECT_TRUE(same(pixel(rgb, rp, 4, 2), agent(3)));
  for (int y = 0; y < 12; ++y)
    for (int x = 0; x < 12; ++x) {
      const int32_t v = state_.occ[static_cast<size_t>(y) * 12 + x];
      const Rgb8 want = v >= 0 ? agent(v) : v == kWall ? render_wall_color() : render_empty_color();
      EXPECT_TRUE(same(pixel(rgb, rp, x, y), want)) << "cell " << x << "," << y;
    }
}

TEST_F(RenderWorld, AgentColoursAreTeamColoursShadedByHp) {
  const Rgb8 full = render_agent_color(color(0), 10.0f, 10.0f), hurt = agent(1),
             dying = render_agent_color(color(0), 0.0f, 10.0f);
  EXPECT_TRUE(same(agent(0), full));
  EXPECT_GT(full.r, hurt.r);
  EXPECT_GT(hurt.r, dying.r);
  EXPECT_GT(dying.r, 0);  // never black
  EXPECT_GT(full.r, full.b);
  const Rgb8 blue = agent(3);
  EXPECT_GT(blue.b, blue.r);
  // Every group of every game has its own colour.
  for (Scenario sc : {Scenario::kBattle, Scenario::kBattlefield, Scenario::kAdversarialPursuit, Scenario::kGather,
                      Scenario::kTigerDeer, Scenario::kCombinedArms}) {
    const WorldConfig c = game_config(sc);
    for (size_t g = 0; g < c.groups.size(); ++g)
      for (size_t h = g + 1; h < c.groups.size(); ++h)
        EXPECT_NE(c.groups[g].color, c.groups[h].color) << scenario_name(sc) << " " << g << " " << h;
  }
}

TEST_F(RenderWorld, MaxPoolingPicksAgentOverWallOverEmpty) {
  const RenderParams rp = plain(12, 12, 2, 1);
  const auto rgb = world_->render(rp);
  ASSERT_EQ(rp.width, 6);
  EXPECT_TRUE(same(pixel(rgb, rp, 0, 0), render_wall_color()));   // cells 0..1: border
  EXPECT_TRUE(same(pixel(rgb, rp, 2, 2), agent(2)));              // cells 4..5: red 2 and the wall (5,5)
  EXPECT_TRUE(same(pixel(rgb, rp, 1, 1), agent(0)));              // red 0 (full hp) beats red 1 (hurt)
  EXPECT_TRUE(same(pixel(rgb, rp, 4, 4), render_wall_color()));   // cells 8..9: the wall (8,8)
  EXPECT_TRUE(same(pixel(rgb, rp, 3, 3), render_empty_color()));  // cells 6..7
  // A pool that does not divide the map: the last block is clipped, not read off the map.
  const RenderParams r5 = plain(12, 12, 5, 1);
  const auto rgb5 = world_->render(r5);
  ASSERT_EQ(r5.width, 3);
  EXPECT_TRUE(same(pixel(rgb5, r5, 0, 0), agent(0)));
  EXPECT_TRUE(same(pixel(rgb5, r5, 2, 2), render_wall_color()));
}

TEST_F(RenderWorld, UpscalingDrawsCellsWithGutters) {
  const RenderParams rp = plain(12, 12, 1, 8);
  const auto rgb = world_->render(rp);
  ASSERT_EQ(rp.width, 96);
  EXPECT_TRUE(same(pixel(rgb, rp, 2 * 8 + 3, 2 * 8 + 3), agent(0)));
  EXPECT_TRUE(same(pixel(rgb, rp, 2 * 8 + 7, 2 * 8 + 3), render_empty_color()));  // gutter
  EXPECT_TRUE(same(pixel(rgb, rp, 7, 7), render_wall_color()));                   // walls stay solid
  const RenderParams crop = plain(3, 1, 1, 2, 2, 2);  // cells 2..4 of row 2, 2 px each (no gutter)
  const auto c = world_->render(crop);
  ASSERT_EQ(crop.width, 6);
  EXPECT_TRUE(same(pixel(c, crop, 1, 1), agent(0)));
  EXPECT_TRUE(same(pixel(c, crop, 3, 0), agent(1)));
  EXPECT_TRUE(same(pixel(c, crop, 4, 1), agent(3)));
}

TEST_F(RenderWorld, BadParametersThrow) {
  RenderParams rp = plain(12, 12, 1, 1);
  rp.width = 11;
  EXPECT_THROW(world_->render(rp), std::invalid_argument);
  EXPECT_THROW(world_->render(plain(8, 8, 1, 1, 6, 0)), std::invalid_argument);  // leaves the map
}

TEST(FitRender, PoolsLargeMapsAndEnlargesSmallOnes) {
  WorldConfig c = battle_config(0, 45);
  RenderParams rp = fit_render(c);
  EXPECT_EQ(rp.cell_px, 8);
  EXPECT_EQ(rp.width, 360);
  c.width = c.height = 224;
  EXPECT_EQ(fit_render(c).cell_px, 4);
  c.width = c.height = 2000;
  rp = fit_render(c, 1024);
  EXPECT_EQ(rp.pool, 2);
  EXPECT_EQ(rp.width, 1000);
  rp = fit_render(c, 1024, 100, 200, 300, 150);
  EXPECT_EQ(rp.cell_px, 3);
  EXPECT_EQ(rp.width, 900);
  EXPECT_EQ(rp.height, 450);
  EXPECT_EQ(render_params_error(rp, 2000, 2000), nullptr);
  EXPECT_THROW(fit_render(c, 1024, 1900, 0, 200, 10), std::invalid_argument);
  EXPECT_THROW(fit_render(c, 0), std::invalid_argument);
}

TEST_F(RenderWorld, PngRoundTripKeepsTheBytes) {
  const RenderParams rp = fit_render(cfg_, 100);
  const auto rgb = world_->render(rp);
  const fs::path path = fs::temp_directory_path() / ("myriad_render_" + std::to_string(::getpid()) + ".png");
  write_png(path.string(), rp.width, rp.height, rgb);
  EXPECT_FALSE(fs::exists(path.string() + ".tmp"));
  int w = 0, h = 0;
  const auto back = read_png(path.string(), w, h);
  fs::remove(path);
  EXPECT_EQ(w, rp.width);
  EXPECT_EQ(h, rp.height);
  EXPECT_EQ(back, rgb);
  EXPECT_THROW(write_png("/nonexistent-dir/x.png", rp.width, rp.height, rgb), std::runtime_error);
  EXPECT_THROW(write_png(path.string(), rp.width + 1, rp.height, rgb), std::runtime_error);
}

TEST_F(RenderWorld, VideoIsWrittenWhenFfmpegIsThere) {
  if (!ffmpeg_available()) {
    EXPECT_THROW(VideoWriter("x.mp4", 8, 8, 10), std::runtime_error);
    GTEST_SKIP() << "ffmpeg is not on PATH";
  }
  const RenderParams rp = fit_render(cfg_, 90);  // 84x84 (7 px per cell)
  const fs::path path = fs::temp_directory_path() / ("myriad_render_" + std::to_string(::getpid()) + ".mp4");
  {
    VideoWriter v(path.string(), rp.width, rp.height, 10);
    for (int k = 0; k < 3; ++k) {
      v.add_frame(world_->render(rp));
      test::step_with(*world_, {});
    }
    v.close();
    EXPECT_EQ(v.frames(), 3);
  }
  ASSERT_TRUE(fs::exists(path));
  EXPECT_GT(fs::file_size(path), 0u);
  fs::remove(path);
}

TEST_F(CudaTest, RenderMatchesCpu) {
  WorldConfig c = battle_config(400, 0);
  c.walls = {{3, 3}, {50, 40}};
  auto cpu = make_cpu_world(c), gpu = make_cuda_world(c);
  cpu->reset(5);
  gpu->reset(5);
  const std::vector<PolicySpec> pol(2, PolicySpec{PolicyKind::kScripted});
  for (int t = 0; t < 20; ++t) {
    for (World* w : {cpu.get(), gpu.get()}) {
      w->act(pol);
      w->step();
    }
    if (t % 5 != 4) continue;
    for (const RenderParams& rp : {fit_render(c), fit_render(c, 37), fit_render(c, 64, 10, 20, 30, 15)})
      EXPECT_EQ(cpu->render(rp), gpu->render(rp)) << "step " << t + 1 << " pool " << rp.pool << " px " << rp.cell_px;
  }
}

// The `render` command end to end: frames every K steps, and a bad value is one line with exit 2.
int run_myriad(const std::string& args) {
  const int status = std::system((std::string("'") + MYRIAD_BINARY + "' " + args + " >/dev/null 2>&1").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(RenderCli, WritesFramesEveryKSteps) {
  const fs::path dir = fs::temp_directory_path() / ("myriad_render_cli_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  ASSERT_EQ(run_myriad("render --agents-per-team 16 --steps 7 --every 3 --backend cpu -q --out '" + dir.string() + "'"),
            0);
  for (const char* f : {"frame_000000.png", "frame_000003.png", "frame_000006.png", "frame_000007.png"})
    EXPECT_TRUE(fs::exists(dir / f)) << f;
  int w = 0, h = 0;
  read_png((dir / "frame_000003.png").string(), w, h);
  EXPECT_EQ(w, h);
  ASSERT_EQ(run_myriad("run --agents-per-team 16 --steps 4 --backend cpu -q --render-every 4 --render-dir '" +
                       (dir / "run").string() + "'"), 0);
  EXPECT_TRUE(fs::exists(dir / "run" / "frame_000004.png"));
  fs::remove_all(dir);
  EXPECT_EQ(run_myriad("render --steps 3 --every 0 --backend cpu"), 2);
  EXPECT_EQ(run_myriad("render --steps 3 --crop 1,2 --backend cpu"), 2);
  EXPECT_EQ(run_myriad("run --steps 3 --render-dir /tmp/x --backend cpu"), 2);
}

}  // namespace
}  // namespace myriad
