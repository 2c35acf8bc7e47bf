// trainer_ops.cpp: TrainerOps over a backend: owned blocks, the compaction as flags → the backend's
// exclusive scan → scatter (one 8-byte read-back), and the max-Q metric as the learn program's sum.
#include "myriad/trainer_ops.hpp"

#include <stdexcept>

#include "myriad/engine/learn_program.hpp"

namespace myriad {

void* TrainerOps::alloc_bytes(size_t bytes) {
  blocks_.emplace_back(be_, bytes > 0 ? bytes : 1);
  allocated_ += bytes;
  return blocks_.back().data();
}

void TrainerOps::reserve_compaction(int64_t count) {
  if (sums_.empty()) sums_ = Buffer<double>(be_, 2);
  if (count <= 0 || static_cast<int64_t>(flags_.size()) >= count) return;
  if (count > 2147483647LL) throw std::invalid_argument("compact_transitions: more than 2^31-1 rows");
  flags_ = Buffer<int32_t>(be_, static_cast<size_t>(count));
  pos_ = Buffer<int32_t>(be_, static_cast<size_t>(count));
  be_.reserve_primitives(count, 0);
}

int64_t TrainerOps::compact_transitions(const KeepParams& p, const uint8_t* alive, const uint8_t* died,
                                        const float* reward, const uint8_t* action, int64_t count, int64_t first_id,
                                        int64_t* idx, float* out_reward, uint8_t* out_action, uint8_t* out_done) {
  if (count <= 0) return 0;
  reserve_compaction(count);
  const LearnProgram& learn = be_.learn();
  learn.keep_flags(p, alive, died, count, first_id, flags_.data());
  const int64_t m = be_.exclusive_scan(flags_.data(), pos_.data(), count);
  learn.compact(p, flags_.data(), pos_.data(), alive, died, reward, action, count, idx, out_reward, out_action, out_done);
  return m;
}

double TrainerOps::mean_max_q(const float* q, int k, const uint8_t* alive, int64_t count) {
  if (count <= 0) return 0.0;
  reserve_compaction(0);
  be_.learn().max_q_sum(q, k, alive, count, sums_.data());
  double h[2] = {0.0, 0.0};
  be_.to_host(h, sums_.data(), sizeof h);
  return h[1] > 0 ? h[0] / h[1] : 0.0;
}

}  // namespace myriad
