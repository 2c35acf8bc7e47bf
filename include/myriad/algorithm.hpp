// algorithm.hpp: the learners the trainer can run (algorithms.md) as an enum with its names, and what
// each one's networks read: MF-Q, MF-AC and MFQMIX take the neighbours' mean action ā, the others do not.
// VDN, QMIX and MFQMIX learn a group's value through a mixer of their agents' Q-values.
#pragma once
#include <cstdint>
#include <string>

namespace myriad {

enum class Algorithm : uint8_t { kMfq, kIql, kMfac, kAc, kVdn, kQmix, kMfqmix };

const char* algorithm_name(Algorithm a);  // "mfq", "iql", "mfac", "ac", "vdn", "qmix", "mfqmix"
// Throws std::invalid_argument listing the valid names.
Algorithm parse_algorithm(const std::string& s);
std::string algorithm_list();  // "mfq, iql, mfac, ac, vdn, qmix, mfqmix"

// MF-Q's Q-network, MF-AC's critic and MFQMIX's agent network read ā; the others keep its columns at zero.
constexpr bool uses_mean_action(Algorithm a) {
  return a == Algorithm::kMfq || a == Algorithm::kMfac || a == Algorithm::kMfqmix;
}
// MF-AC and AC: an actor π(a|o) that plays and a critic Q that trains it.
constexpr bool is_actor_critic(Algorithm a) { return a == Algorithm::kMfac || a == Algorithm::kAc; }
// VDN, QMIX, MFQMIX: TD on a mixed group value Q_tot of the agents' Q-values with the group's summed reward.
constexpr bool is_mixer(Algorithm a) { return a == Algorithm::kVdn || a == Algorithm::kQmix || a == Algorithm::kMfqmix; }
// QMIX and MFQMIX mix through a monotone hypernetwork mixer; VDN sums.
constexpr bool has_hypernetwork(Algorithm a) { return a == Algorithm::kQmix || a == Algorithm::kMfqmix; }

}  // namespace myriad
