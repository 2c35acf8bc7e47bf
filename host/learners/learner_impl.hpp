// learners/learner_impl.hpp: the two learner families behind the Learner interface, and what their
// memory plans share.
#pragma once
#include <memory>

#include "myriad/learner.hpp"

namespace myriad {

size_t acting_rows(int64_t team);
size_t largest_rows(const TrainConfig& c, int64_t team);
bool assembles_rows(const TrainConfig& c, bool cuda);
// The learner's value network: the Q-network, the critic or the mixers' agent network, over the
// algorithm's value input and the config's hidden layers.
MlpShape value_network_shape(const LearnerSetup& s);
// Bytes of a value network and its target copy at the learner's largest batch, and of the rows an
// acting network assembles.
size_t value_network_pair_bytes(const TrainConfig& c, const MlpShape& shape, int64_t team, bool cuda);

// MF-Q and IQL (algorithms.md): one Q-network over [view | features | ā] (ā zero for IQL) and its target
// copy. A gradient step: y = r + γ(1−d)·v(o′) from the target network (Boltzmann expectation or greedy
// double-Q), the TD loss's gradient at Q(o, ·), backward, Adam, a soft (or periodic hard) target update.
// Passes over a batch of B: target forward on o′ (and the online one for double-Q), online forward on o,
// targets, loss, backward, Adam over the parameters; no pass over the agents.
class QLearner final : public Learner {
 public:
  static constexpr int kLogSlots = 1;  // the TD loss
  explicit QLearner(const LearnerSetup& s);
  static size_t scratch_bytes(const TrainConfig& c, const MlpShape& shape);
  static size_t network_bytes_planned(const TrainConfig& c, const MlpShape& shape, int64_t team, bool cuda);

  Network& acting_network() override { return *online_; }
  SelectParams behaviour(const SelectParams& explore) const override { return explore; }
  std::vector<std::pair<std::string, const Network*>> networks() const override;
  Network& online() { return *online_; }
  Network& target() { return *target_; }

  void save(Checkpoint& ck) const override;
  void restore(const Checkpoint& ck) override;
  void init_from(const Checkpoint& ck, const std::string& prefix, const std::string& path) override;

 protected:
  void train_on_batch(int u) override;
  int log_slots() const override { return kLogSlots; }

 private:
  std::unique_ptr<Network> online_, target_;
  float *q_tgt_ = nullptr, *q_on_ = nullptr, *q_x_ = nullptr, *y_ = nullptr, *dz_ = nullptr, *terms_ = nullptr;
};

// MF-AC and AC (algorithms.md, off-policy from the replay): an actor π_θ(a|o) over [view | features]
// and a critic Q_φ(o, a, ā) over [view | features | ā] (ā zero for AC), each with a target copy. A
// gradient step: the critic's TD loss with y = r + γ(1−d)·Σ_a π_θ⁻(a|o′)·Q_φ⁻(o′, a, ā′) (or greedy
// double-Q), and the actor's loss −A·log π(a|o) − β·H(π) with A = Q_φ(o,a,ā) − Σ_b π(b|o)·Q_φ(o,b,ā) from
// the critic before its step; Adam on both, soft target updates. Passes over a batch of B: critic target
// and actor target forwards on o′, critic and actor forwards on o, targets, two losses, two backwards,
// two Adam steps; no pass over the agents.
class ActorCriticLearner final : public Learner {
 public:
  static constexpr int kLogSlots = 3;  // the critic's TD loss, the actor's −A·log π, the entropy
  explicit ActorCriticLearner(const LearnerSetup& s);
  static size_t scratch_bytes(const TrainConfig& c, const MlpShape& critic_shape);
  static size_t network_bytes_planned(const TrainConfig& c, const MlpShape& critic_shape, int64_t team, bool cuda);
  static MlpShape actor_shape(const MlpShape& critic_shape);  // the critic's inputs less the K ā columns

  Network& acting_network() override { return *actor_; }
  SelectParams behaviour(const SelectParams& explore) const override;
  std::vector<std::pair<std::string, const Network*>> networks() const override;
  Network& actor() { return *actor_; }
  Network& critic() { return *critic_; }
  Network& actor_target() { return *actor_target_; }
  Network& critic_target() { return *critic_target_; }

  void save(Checkpoint& ck) const override;
  void restore(const Checkpoint& ck) override;
  void init_from(const Checkpoint& ck, const std::string& prefix, const std::string& path) override;

 protected:
  void train_on_batch(int u) override;
  int log_slots() const override { return kLogSlots; }

 private:
  std::unique_ptr<Network> actor_, actor_target_, critic_, critic_target_;
  float *xa_ = nullptr, *xa_next_ = nullptr;  // the batch's rows without ā, for the actors
  float *q_tgt_ = nullptr, *pi_tgt_ = nullptr, *q_ = nullptr, *logits_ = nullptr, *y_ = nullptr;
  float *dq_ = nullptr, *dpi_ = nullptr, *terms_ = nullptr, *pg_ = nullptr, *ent_ = nullptr;
  float *q_on_next_ = nullptr;  // greedy double-Q: the online critic on o′
};

// VDN, QMIX and MFQMIX (algorithms.md; rules/mixer.hpp): one agent Q-network over [view | features | ā]
// (ā zero for VDN and QMIX; MFQMIX's over the closest tenth of the group) and its target copy; QMIX and
// MFQMIX add a hypernetwork [view | features | ā] → [w1 | b1 | w2 | v] (hidden: hypernet_hidden) and its
// target copy. A gradient step on windows of replay rows: the agent network's values at o′ (target, and
// online for double-Q) and the target hypernetwork's rows → each group's y; the online networks at o →
// each group's Q_tot, the TD loss's gradients at the agents' Q (the stored action's) and at the
// hypernetwork's outputs; backward and Adam on both, soft (or periodic hard) target updates. Passes
// over a batch of B rows: up to four network forwards and two backwards, two mixer passes over the
// windows; no pass over the agents, no per-group launch.
class MixerLearner final : public Learner {
 public:
  static constexpr int kLogSlots = 1;  // the TD loss of Q_tot
  explicit MixerLearner(const LearnerSetup& s);
  static size_t scratch_bytes(const TrainConfig& c, const MlpShape& shape, int64_t team);
  static size_t network_bytes_planned(const TrainConfig& c, const MlpShape& shape, int64_t team, bool cuda);
  static MlpShape hyper_shape(const TrainConfig& c, const MlpShape& agent_shape);

  Network& acting_network() override { return *online_; }
  SelectParams behaviour(const SelectParams& explore) const override { return explore; }
  std::vector<std::pair<std::string, const Network*>> networks() const override;
  Network& online() { return *online_; }
  Network* hyper() { return hyper_.get(); }  // null for VDN
  MixerParams mixer_params() const;

  void save(Checkpoint& ck) const override;
  void restore(const Checkpoint& ck) override;
  void init_from(const Checkpoint& ck, const std::string& prefix, const std::string& path) override;

 protected:
  void train_on_batch(int u) override;
  int log_slots() const override { return kLogSlots; }
  double loss_count() const override { return static_cast<double>(windows_.windows); }

 private:
  std::unique_ptr<Network> online_, target_, hyper_, hyper_target_;
  float *q_tgt_ = nullptr, *q_on_ = nullptr, *q_x_ = nullptr, *dz_ = nullptr, *y_ = nullptr, *terms_ = nullptr;
  float *h_ = nullptr, *h_next_ = nullptr, *dh_ = nullptr;
};

}  // namespace myriad
