// algorithm.cpp: the learners' names.
#include "myriad/algorithm.hpp"

#include <stdexcept>

#include "myriad/printable.hpp"

namespace myriad {

const char* algorithm_name(Algorithm a) {
  switch (a) {
    case Algorithm::kMfq: return "mfq";
    case Algorithm::kIql: return "iql";
    case Algorithm::kMfac: return "mfac";
    case Algorithm::kAc: return "ac";
    case Algorithm::kVdn: return "vdn";
    case Algorithm::kQmix: return "qmix";
    case Algorithm::kMfqmix: return "mfqmix";
  }
  return "?";
}

std::string algorithm_list() { return "mfq, iql, mfac, ac, vdn, qmix, mfqmix"; }

Algorithm parse_algorithm(const std::string& s) {
  for (Algorithm a : {Algorithm::kMfq, Algorithm::kIql, Algorithm::kMfac, Algorithm::kAc, Algorithm::kVdn,
                     Algorithm::kQmix, Algorithm::kMfqmix})
    if (s == algorithm_name(a)) return a;
  throw std::invalid_argument("algorithm '" + printable(s) + "': valid are " + algorithm_list());
}

}  // namespace myriad
