// checkpoint_learners.hpp: the learners a training checkpoint holds, as its sections name them: each
// learner's acting network ("<prefix>.online" for the Q-learners, "<prefix>.actor" for the actor-critic
// ones; "opponent…" sections are played copies, not learners) and its layer widths ("<prefix>.shape",
// or, in checkpoints written before there were several learner shapes, the header's network_shape).
#pragma once
#include <string>
#include <vector>

#include "myriad/algorithm.hpp"
#include "myriad/checkpoint.hpp"

namespace myriad {

struct CheckpointLearner {
  std::string prefix;      // the group it was trained as ("red", "predator", ...)
  std::string section;     // its acting network's section
  std::vector<int> shape;  // inputs, hidden..., outputs
};

// The checkpoint's algorithm; throws std::runtime_error when the header names none of Myriad's.
Algorithm checkpoint_algorithm(const Checkpoint& ck);
// Its learners in section order; throws std::runtime_error on a damaged shape section.
std::vector<CheckpointLearner> checkpoint_learners(const Checkpoint& ck);
void put_learner_shape(Checkpoint& ck, const std::string& prefix, const std::vector<int>& shape);

}  // namespace myriad
