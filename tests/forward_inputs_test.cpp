// forward_inputs_test.cpp: Network::forward_inputs (the inputs read where the world keeps them, no
// rows) against forward on the rows TrainerOps::net_input assembles: bit for bit on the CPU (f32 and
// bf16 observations, with and without ā, a group that does not start at agent 0); on CUDA every
// path (FP32 split products, the assembled fallback, the bf16 tensor-core view product) against
// the CPU within a stated tolerance (skips without a device).
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "cuda_test_fixture.hpp"
#include "myriad/network.hpp"
#include "loss_host.hpp"
#include "myriad/team_policy.hpp"
#include "myriad/trainer_ops.hpp"
#include "myriad/world.hpp"

namespace myriad {
namespace {

// A battle a few steps in (random play), so features, ā and hp carry values.
std::unique_ptr<World> played_world(BackendKind backend, ObsDtype dtype) {
  WorldConfig c = battle_config(200, 72);
  c.obs_dtype = dtype;
  auto w = make_world(backend, c);
  w->reset(17);
  for (int s = 0; s < 4; ++s) {
    w->act({PolicySpec{}, PolicySpec{}});
    w->step();
  }
  w->synchronize();
  return w;
}

// Blue's inputs: the source starts at blue's first agent (row 0).
NetInputSource blue_inputs(World& w, bool mean) {
  return net_input_source(w, 1, mean ? InputMode::kMeanAction : InputMode::kZeroMean);
}
int blue_rows(const World& w) { return static_cast<int>(w.groups().count(1)); }

MlpShape shape_for(const NetInputSource& s) { return MlpShape{static_cast<int>(s.width()), {64, 32}, s.n_mean}; }

TEST(ForwardInputs, CpuMatchesForwardOnAssembledRowsBitForBit) {
  for (ObsDtype dtype : {ObsDtype::kF32, ObsDtype::kBf16})
    for (bool mean : {true, false}) {
      auto w = played_world(BackendKind::kCpu, dtype);
      const NetInputSource s = blue_inputs(*w, mean);
      const int64_t first = 0;
      const int rows = blue_rows(*w);
      auto ops = std::make_unique<TrainerOps>(w->backend());
      float* x = ops->alloc<float>(static_cast<size_t>(rows) * static_cast<size_t>(s.width()));
      ops->net_input(s, first, nullptr, rows, row_dest(x, s));
      auto net = make_cpu_network(shape_for(s), 3);
      const std::vector<float> want =
          net->forward_host(std::vector<float>(x, x + static_cast<size_t>(rows) * static_cast<size_t>(s.width())), rows);
      std::vector<float> got(want.size(), -1.0f);
      net->forward_inputs(s, first, rows, got.data());
      EXPECT_EQ(got, want) << (dtype == ObsDtype::kBf16 ? "bf16" : "f32") << (mean ? ", with ā" : ", IQL");
    }
}

TEST(ForwardInputs, RejectsInputsOfAnotherWidth) {
  auto w = played_world(BackendKind::kCpu, ObsDtype::kF32);
  const NetInputSource s = blue_inputs(*w, true);
  MlpShape wrong = shape_for(s);
  wrong.inputs += 1;
  auto net = make_cpu_network(wrong, 3);
  std::vector<float> q(21);
  try {
    net->forward_inputs(s, 0, 1, q.data());
    ADD_FAILURE() << "a source of another width was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("inputs"), std::string::npos) << e.what();
  }
}

class ForwardInputsCudaTest : public CudaTest {};

// |cpu - cuda| <= rel · (|cpu| + mean |cpu|): FP32 paths 1e-4 (cuBLAS sums in another order);
// TF32 / bf16 weights 2e-2 (10 and 8 mantissa bits of the products' inputs).
TEST_F(ForwardInputsCudaTest, EveryPathMatchesTheCpu) {
  struct Case {
    ObsDtype dtype;
    NetMath math;
    double rel;
  };
  for (const Case& c : {Case{ObsDtype::kF32, NetMath::kFp32, 1e-4}, Case{ObsDtype::kBf16, NetMath::kFp32, 1e-4},
                        Case{ObsDtype::kF32, NetMath::kTf32, 2e-2}, Case{ObsDtype::kBf16, NetMath::kTf32, 2e-2}})
    for (bool mean : {true, false}) {
      auto wc = played_world(BackendKind::kCpu, c.dtype), wg = played_world(BackendKind::kCuda, c.dtype);
      const NetInputSource sc = blue_inputs(*wc, mean), sg = blue_inputs(*wg, mean);
      const int64_t first = 0;
      const int rows = blue_rows(*wc);
      auto cpu = make_cpu_network(shape_for(sc), 5);
      auto gpu = make_cuda_network(wg->backend(), shape_for(sg), 5, c.math);
      std::vector<float> qc(static_cast<size_t>(rows) * static_cast<size_t>(sc.n_mean));
      cpu->forward_inputs(sc, first, rows, qc.data());
      auto ops = std::make_unique<TrainerOps>(wg->backend());
      float* dq = ops->alloc<float>(qc.size());
      for (int pass = 0; pass < 2; ++pass) {  // the second after an update: the bf16 weights follow
        gpu->forward_inputs(sg, first, rows, dq);
        gpu->synchronize();
        std::vector<float> qg(qc.size());
        ops->to_host(qg.data(), dq, qg.size() * sizeof(float));
        double scale = 0;
        for (float v : qc) scale += std::fabs(v);
        scale /= static_cast<double>(qc.size());
        int bad = 0;
        for (size_t k = 0; k < qc.size(); ++k) bad += std::fabs(qc[k] - qg[k]) > c.rel * (std::fabs(qc[k]) + scale);
        EXPECT_EQ(bad, 0) << "dtype " << (c.dtype == ObsDtype::kBf16 ? "bf16" : "f32") << ", math "
                          << net_math_name(c.math) << (mean ? ", with ā" : ", IQL") << ", pass " << pass;
        std::vector<float> p = cpu->params();
        for (float& v : p) v *= 0.9f;
        cpu->set_params(p);
        gpu->set_params(p);
        cpu->forward_inputs(sc, first, rows, qc.data());
      }
    }
}

// The bf16 copy of the view weights follows every parameter change: after an Adam step, a soft
// update and a hard copy, forward_inputs (bf16 GEMM) agrees with forward on assembled rows (TF32).
TEST_F(ForwardInputsCudaTest, Bf16WeightsFollowEveryParameterChange) {
  auto w = played_world(BackendKind::kCuda, ObsDtype::kBf16);
  const NetInputSource s = blue_inputs(*w, true);
  const int64_t first = 0;
  const int rows = blue_rows(*w);
  auto ops = std::make_unique<TrainerOps>(w->backend());
  float* x = ops->alloc<float>(static_cast<size_t>(rows) * static_cast<size_t>(s.width()));
  ops->net_input(s, first, nullptr, rows, row_dest(x, s));
  ops->synchronize();
  std::vector<float> hx(static_cast<size_t>(rows) * static_cast<size_t>(s.width()));
  ops->to_host(hx.data(), x, hx.size() * sizeof(float));
  float* dq = ops->alloc<float>(static_cast<size_t>(rows) * static_cast<size_t>(s.n_mean));
  auto net = make_cuda_network(w->backend(), shape_for(s), 5, NetMath::kTf32);
  auto other = make_cuda_network(w->backend(), shape_for(s), 6, NetMath::kTf32);
  net->adam().lr = 0.05f;  // large steps, so a stale copy would show
  auto check = [&](const char* after) {
    net->forward_inputs(s, first, rows, dq);
    net->synchronize();
    std::vector<float> got(static_cast<size_t>(rows) * static_cast<size_t>(s.n_mean));
    ops->to_host(got.data(), dq, got.size() * sizeof(float));
    const std::vector<float> want = net->forward_host(hx, rows);
    double scale = 0;
    for (float v : want) scale += std::fabs(v);
    scale /= static_cast<double>(want.size());
    int bad = 0;
    for (size_t k = 0; k < want.size(); ++k) bad += std::fabs(want[k] - got[k]) > 2e-2 * (std::fabs(want[k]) + scale);
    EXPECT_EQ(bad, 0) << "after " << after;
  };
  check("construction");
  std::vector<int> actions(static_cast<size_t>(rows), 1);
  td_backward_host(*net, hx, rows, actions, std::vector<float>(static_cast<size_t>(rows), 3.0f), {});
  net->adam_step();
  check("an Adam step");
  net->soft_update_from(*other, 0.5f);
  check("a soft update");
  net->copy_from(*other);
  check("a hard copy");
}

}  // namespace
}  // namespace myriad
