// world_tables.hpp: what a World derives from its config before it allocates anything: the group table
// (types, ids, sides, reward rules), the per-group observation layouts, the mean-action parameters, the
// element counts of every buffer and the sort's key bits. Host-side, shared by World and its memory plan.
#pragma once
#include <cstddef>
#include <cstdint>

#include "myriad/config.hpp"
#include "myriad/rules/mean_action.hpp"
#include "myriad/rules/observe.hpp"
#include "myriad/views.hpp"

namespace myriad {

// Element counts of every buffer of a world of cfg.
struct Sizes {
  size_t n = 0, cells = 0, tile_starts = 0, mean = 0, feat = 0, obs = 0, hc = 0, minimap = 0, groups = 0;
  bool bf16 = false;
  bool host_lists = false;  // the host backend's per-agent work lists (the pending movers)
};

int tile_key_bits(int64_t n_tiles);
Sizes sizes_of(const WorldConfig& cfg, const ObsLayouts& obs, const MeanActionParams& ma);
ObsLayouts layouts_of(const WorldConfig& cfg);
MeanActionParams mean_params_of(const WorldConfig& cfg);
GroupTable group_table_of(const WorldConfig& cfg);

}  // namespace myriad
