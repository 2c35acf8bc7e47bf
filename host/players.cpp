// players.cpp: checkpoint networks loaded for a world (shape checks with clear messages) and Players,
// which acts for every group: world policies through World::act, networks through TeamPolicy.
#include "myriad/players.hpp"

#include <algorithm>
#include <new>
#include <stdexcept>

#include "myriad/checkpoint_learners.hpp"
#include "myriad/memory_fit.hpp"
#include "myriad/rng.hpp"

namespace myriad {

namespace {

// A played network's bytes, as the trainer's plan counts an acting network: the network over a forward
// chunk of the group's rows (network_bytes) and the chunk's assembled inputs; refused before anything
// is allocated when the backend cannot hold them beside the world.
void check_policy_memory(World& world, int group, const MlpShape& s, const std::string& path) {
  const size_t rows = static_cast<size_t>(std::min<int64_t>(world.groups().count(group), TeamPolicy::kForwardChunk));
  const size_t need = network_bytes(s, rows) + rows * static_cast<size_t>(s.inputs) * sizeof(float);
  const Backend& be = world.backend();
  const size_t avail = be.available_bytes();
  const size_t usable = usable_bytes(avail, be.on_device());
  if (avail == 0 || need <= usable) return;
  throw MemoryRefusal(path + ": playing its network (" + std::to_string(s.inputs) + " inputs, hidden " +
                           std::to_string(s.hidden.size()) + " layers of up to " +
                           std::to_string(s.max_width()) + ") over " + std::to_string(rows) + " agents at a time needs " +
                           gib(need) + " but the " + be.name() + " backend has " + gib(usable) +
                           " usable beside the world; a network of smaller hidden layers would fit");
}

PlayedNetwork load_network(const Checkpoint& ck, const std::string& path, World& world, int group, NetMath math) {
  const Algorithm algo = checkpoint_algorithm(ck);
  const std::vector<CheckpointLearner> learners = checkpoint_learners(ck);
  if (learners.empty() || ck.header.network_shape.size() < 2)
    throw std::runtime_error(path + ": the checkpoint has no learner network (not a training checkpoint?)");
  const InputMode mode = acting_input(algo);
  const int64_t input_width = net_input_source(world, group, mode).width();
  const int n_actions = world.groups().type[group].n_actions();
  const CheckpointLearner* pick = nullptr;
  for (const CheckpointLearner& l : learners)
    if (pick == nullptr && l.shape.size() >= 2 && l.shape.front() == input_width && l.shape.back() == n_actions)
      pick = &l;
  if (pick == nullptr) {
    const std::vector<int>& shape = learners.front().shape;
    throw std::runtime_error(path + ": its network reads " + std::to_string(shape.front()) + " inputs and scores " +
                             std::to_string(shape.back()) + " actions, this world's " +
                             world.config().groups[static_cast<size_t>(group)].name + " gives " +
                             std::to_string(input_width) + " inputs and " + std::to_string(n_actions) +
                             " actions (same game, view radius, minimap setting and features are needed)");
  }
  // The section must hold exactly its shape, checked before anything is allocated for it.
  const uint64_t params = network_parameter_count(pick->shape);
  const Section* sec = ck.find(pick->section);
  const uint64_t held = sec ? sec->bytes.size() / 4 : 0;
  if (params == 0 || params != held)
    throw std::runtime_error(path + ": its network shape needs " + std::to_string(params) + " parameters but section " +
                             pick->section + " holds " + std::to_string(held) + " (a damaged or hand-edited checkpoint)");
  MlpShape s;
  s.inputs = pick->shape.front();
  s.hidden.assign(pick->shape.begin() + 1, pick->shape.end() - 1);
  s.outputs = pick->shape.back();
  check_policy_memory(world, group, s, path);
  PlayedNetwork out;
  out.net = make_network(world.backend(), s, 0, math);
  out.net->prepare(static_cast<int>(std::min<int64_t>(world.groups().count(group), TeamPolicy::kForwardChunk)), 0);
  const std::vector<float> p = ck.get_finite_floats(pick->section);
  if (p.size() != out.net->layout().size())
    throw std::runtime_error(path + ": section " + pick->section + " holds " + std::to_string(p.size()) +
                             " parameters, its shape needs " + std::to_string(out.net->layout().size()));
  out.net->set_params(p);
  out.input = mode;
  out.actor = is_actor_critic(algo);
  out.nearest_mean = algo == Algorithm::kMfqmix;
  return out;
}

}  // namespace

// Every refusal is about the file (std::invalid_argument: the command's input, exit 2), named first.
PlayedNetwork load_played_network(const Checkpoint& ck, const std::string& path, World& world, int group,
                                  NetMath math) {
  try {
    return load_network(ck, path, world, group, math);
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const MemoryRefusal&) {
    throw;
  } catch (const std::exception& e) {
    const std::string what = e.what();
    throw std::invalid_argument(what.rfind(path, 0) == 0 ? what : path + ": " + what);
  }
}

Players::Players(World& world, const std::vector<PlayerSpec>& specs) : world_(world), specs_(specs) {
  const int groups = world.config().n_groups();
  if (static_cast<int>(specs_.size()) != groups)
    throw std::invalid_argument("Players: " + std::to_string(specs_.size()) + " specs for " + std::to_string(groups) +
                                " groups");
  teams_.resize(specs_.size());
  nets_.resize(specs_.size());
  for (int g = 0; g < groups; ++g) {
    const PlayerSpec& sp = specs_[static_cast<size_t>(g)];
    if (!sp.is_network()) {
      any_world_ = true;
      continue;
    }
    if (!ops_) ops_ = std::make_unique<TrainerOps>(world.backend());
    nets_[static_cast<size_t>(g)] = load_played_network(read_checkpoint(sp.checkpoint), sp.checkpoint, world, g);
    teams_[static_cast<size_t>(g)] = std::make_unique<TeamPolicy>(world, *ops_, g);
  }
}

Players::~Players() = default;

void Players::observe() { world_.synchronize(); }

void Players::act(uint32_t step, uint64_t seed) {
  if (any_world_) {
    std::vector<PolicySpec> pol;
    for (const PlayerSpec& sp : specs_) {
      PolicySpec p = sp.world;
      if (sp.is_network()) p.kind = PolicyKind::kNoop;
      pol.push_back(p);
    }
    world_.act(pol);  // stay for the network groups; their selection follows on the same stream
  }
  uint32_t nearest = 0;  // the groups whose networks read MFQMIX's ā
  for (size_t g = 0; g < teams_.size(); ++g)
    if (teams_[g] && nets_[g].nearest_mean) nearest |= 1u << g;
  world_.set_nearest_groups(nearest);
  for (size_t g = 0; g < teams_.size(); ++g) {
    if (!teams_[g]) continue;
    const PlayedNetwork& p = nets_[g];
    const bool sample = p.actor && !specs_[g].greedy_actor;
    teams_[g]->act(*p.net, p.input, sample ? sample_select(seed_mix(seed, 7 + g), step) : greedy_select(0, step));
  }
}

}  // namespace myriad
