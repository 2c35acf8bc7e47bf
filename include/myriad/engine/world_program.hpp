// engine/world_program.hpp: WorldProgram, the world's data-parallel work on one backend (its executor
// over engine/world_phases.hpp). A Backend owns one; the World calls it with its WorldState.
#pragma once
#include <cstdint>

#include "myriad/engine/world_state.hpp"
#include "myriad/rules/policy.hpp"
#include "myriad/rules/render.hpp"

namespace myriad {

class PhaseClock;

class WorldProgram {
 public:
  virtual ~WorldProgram() = default;
  // Every agent alive at full hp, the index, and the first observation (positions already in s).
  virtual void reset(const WorldState& s) const = 0;
  // One step with the actions in s.a.action; the per-group sums land in s.stats (backend memory).
  virtual void step(const WorldState& s, PhaseClock* clock) const = 0;
  // The policies' actions (one spec per group) into s.a.action; a scripted one needs sort_tiles first.
  virtual void act(const WorldState& s, const PolicyTable& p) const = 0;
  // The alive agents sorted by tile and the tiles' starts (s.tiles), for the scripted policy.
  virtual void sort_tiles(const WorldState& s) const = 0;
  // The raster of the current state into rgb (backend memory, rp.n_pixels()·3 bytes).
  virtual void render(const WorldState& s, const RenderParams& rp, uint8_t* rgb) const = 0;
};

}  // namespace myriad
