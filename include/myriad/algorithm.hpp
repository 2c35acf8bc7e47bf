// algorithm.hpp: the learners the trainer can run (algorithms.md) as an enum with its names, and what
// each one's networks read: MF-Q and MF-AC take the neighbours' mean action ā, IQL and AC do not.
#pragma once
#include <cstdint>
#include <string>

namespace myriad {

enum class Algorithm : uint8_t { kMfq, kIql, kMfac, kAc };

const char* algorithm_name(Algorithm a);  // "mfq", "iql", "mfac", "ac"
// Throws std::invalid_argument listing the valid names.
Algorithm parse_algorithm(const std::string& s);
std::string algorithm_list();  // "mfq, iql, mfac, ac"

// MF-Q's Q-network and MF-AC's critic read ā; IQL's and AC's networks keep its columns at zero.
constexpr bool uses_mean_action(Algorithm a) { return a == Algorithm::kMfq || a == Algorithm::kMfac; }
// MF-AC and AC: an actor π(a|o) that plays and a critic Q that trains it.
constexpr bool is_actor_critic(Algorithm a) { return a == Algorithm::kMfac || a == Algorithm::kAc; }

}  // namespace myriad
