// players.cpp: checkpoint networks loaded for a world (shape checks with clear messages) and Players,
// which acts for every group: world policies through World::act, networks greedily through TeamPolicy.
#include "myriad/players.hpp"

#include <algorithm>
#include <new>
#include <stdexcept>

#include "myriad/memory_fit.hpp"

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

CheckpointNetwork load_network(const Checkpoint& ck, const std::string& path, World& world, int group,
                               int64_t input_width) {
  const std::vector<int>& shape = ck.header.network_shape;
  if (shape.size() < 2)
    throw std::runtime_error(path + ": the checkpoint has no network shape (not a training checkpoint?)");
  const int n_actions = world.groups().type[group].n_actions();
  if (shape.front() != input_width || shape.back() != n_actions)
    throw std::runtime_error(path + ": its network reads " + std::to_string(shape.front()) + " inputs and scores " +
                             std::to_string(shape.back()) + " actions, this world gives " +
                             std::to_string(input_width) + " inputs and " + std::to_string(n_actions) +
                             " actions (same view radius, minimap setting and features are needed)");
  // The section must hold exactly the header's shape, checked before anything is allocated for it.
  const uint64_t params = network_parameter_count(shape);
  const Section* sec = ck.find("red.online");
  const uint64_t held = sec ? sec->bytes.size() / 4 : 0;
  if (params == 0 || params != held)
    throw std::runtime_error(path + ": its header's network shape needs " + std::to_string(params) +
                             " parameters but section red.online holds " + std::to_string(held) +
                             " (a damaged or hand-edited checkpoint)");
  MlpShape s;
  s.inputs = shape.front();
  s.hidden.assign(shape.begin() + 1, shape.end() - 1);
  s.outputs = shape.back();
  check_policy_memory(world, group, s, path);
  CheckpointNetwork out;
  out.net = make_qnetwork(world.backend(), s, 0);
  const std::vector<float> p = ck.get_finite_floats("red.online");
  if (p.size() != out.net->layout().size())
    throw std::runtime_error(path + ": section red.online holds " + std::to_string(p.size()) +
                             " parameters, its header's shape needs " + std::to_string(out.net->layout().size()));
  out.net->set_params(p);
  out.uses_mean_action = ck.header.algorithm != "iql";
  return out;
}

}  // namespace

// Every refusal is about the file (std::invalid_argument: the command's input, exit 2), named first.
CheckpointNetwork load_checkpoint_network(const Checkpoint& ck, const std::string& path, World& world,
                                          int group, int64_t input_width) {
  try {
    return load_network(ck, path, world, group, input_width);
  } catch (const std::bad_alloc&) {
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
    auto team = std::make_unique<TeamPolicy>(world, *ops_, g, true);
    CheckpointNetwork cn = load_checkpoint_network(read_checkpoint(sp.checkpoint), sp.checkpoint, world, g, team->width());
    team->set_use_mean_action(cn.uses_mean_action);
    teams_[static_cast<size_t>(g)] = std::move(team);
    nets_[static_cast<size_t>(g)] = std::move(cn.net);
  }
}

Players::~Players() = default;

void Players::observe() { world_.synchronize(); }

void Players::act(uint32_t step) {
  if (any_world_) {
    std::vector<PolicySpec> pol;
    for (const PlayerSpec& sp : specs_) {
      PolicySpec p = sp.world;
      if (sp.is_network()) p.kind = PolicyKind::kNoop;
      pol.push_back(p);
    }
    world_.act(pol);  // stay for the network groups; their selection follows on the same stream
  }
  for (size_t g = 0; g < teams_.size(); ++g) {
    if (!teams_[g]) continue;
    teams_[g]->act(*nets_[g], greedy_select(0, step));
  }
}

}  // namespace myriad
