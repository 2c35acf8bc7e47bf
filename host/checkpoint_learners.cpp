// checkpoint_learners.cpp: a checkpoint's learners from its section names and shape sections.
#include "myriad/checkpoint_learners.hpp"

#include <cstring>
#include <stdexcept>

namespace myriad {

namespace {

bool ends_with(const std::string& s, const char* suffix) {
  const size_t n = std::strlen(suffix);
  return s.size() > n && s.compare(s.size() - n, n, suffix) == 0;
}

}  // namespace

Algorithm checkpoint_algorithm(const Checkpoint& ck) {
  try {
    return parse_algorithm(ck.header.algorithm);
  } catch (const std::invalid_argument&) {
    std::string a = ck.header.algorithm.substr(0, 40);
    for (char& c : a)
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
    throw std::runtime_error("the checkpoint's algorithm '" + a + "' is none of " + algorithm_list());
  }
}

std::vector<CheckpointLearner> checkpoint_learners(const Checkpoint& ck) {
  const char* suffix = is_actor_critic(checkpoint_algorithm(ck)) ? ".actor" : ".online";
  std::vector<CheckpointLearner> out;
  for (const Section& s : ck.sections) {
    if (!ends_with(s.name, suffix) || s.name.rfind("opponent", 0) == 0) continue;
    CheckpointLearner l;
    l.prefix = s.name.substr(0, s.name.size() - std::strlen(suffix));
    l.section = s.name;
    l.shape = ck.header.network_shape;
    if (const Section* sh = ck.find(l.prefix + ".shape")) {
      if (sh->bytes.size() % 4 != 0 || sh->bytes.size() < 8 || sh->bytes.size() > 64)
        throw std::runtime_error("checkpoint section " + sh->name.substr(0, 80) + " is not a list of 2 to 16 widths");
      l.shape.clear();
      for (size_t i = 0; i < sh->bytes.size(); i += 4) {
        uint32_t w = 0;
        for (int b = 0; b < 4; ++b) w |= static_cast<uint32_t>(sh->bytes[i + static_cast<size_t>(b)]) << (8 * b);
        if (w < 1 || w > (1u << 20))
          throw std::runtime_error("checkpoint section " + sh->name.substr(0, 80) + " holds a width of " +
                                   std::to_string(w) + "; widths are 1 to 2^20");
        l.shape.push_back(static_cast<int>(w));
      }
    }
    if (out.empty() && l.shape != ck.header.network_shape)
      throw std::runtime_error("the header's network shape and section " + l.prefix.substr(0, 80) +
                               ".shape differ (a damaged or hand-edited checkpoint)");
    out.push_back(l);
  }
  return out;
}

void put_learner_shape(Checkpoint& ck, const std::string& prefix, const std::vector<int>& shape) {
  std::vector<uint8_t> b;
  for (int w : shape)
    for (int k = 0; k < 4; ++k) b.push_back(static_cast<uint8_t>(static_cast<uint32_t>(w) >> (8 * k)));
  ck.put_bytes(prefix + ".shape", std::move(b));
}

}  // namespace myriad
