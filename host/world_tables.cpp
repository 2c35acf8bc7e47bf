// world_tables.cpp: the tables a World derives from its config (world_tables.hpp).
#include "world_tables.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace myriad {

int tile_key_bits(int64_t n_tiles) {
  int bits = 1;  // the largest key is n_tiles (the dead)
  while (bits < 32 && (int64_t{1} << bits) <= n_tiles) ++bits;
  return bits;
}

Sizes sizes_of(const WorldConfig& cfg, const ObsLayouts& obs, const MeanActionParams& ma) {
  Sizes s;
  s.n = static_cast<size_t>(cfg.n_agents());
  s.cells = static_cast<size_t>(cfg.width) * static_cast<size_t>(cfg.height);
  const size_t tiles_x = static_cast<size_t>((cfg.width + cfg.tile_size - 1) / cfg.tile_size);
  const size_t tiles_y = static_cast<size_t>((cfg.height + cfg.tile_size - 1) / cfg.tile_size);
  s.tile_starts = tiles_x * tiles_y + 2;
  s.groups = static_cast<size_t>(cfg.n_groups());
  s.mean = s.n * static_cast<size_t>(ma.k_stride);
  for (int g = 0; g < cfg.n_groups(); ++g) {
    const auto count = static_cast<size_t>(cfg.groups[static_cast<size_t>(g)].count);
    s.obs += count * static_cast<size_t>(obs.g[g].row_stride());
    s.feat += count * static_cast<size_t>(obs.g[g].n_features);
  }
  s.bf16 = cfg.obs_dtype == ObsDtype::kBf16;
  if (cfg.mean_mode == MeanActionMode::kRadius && !ma.gather) s.hc = s.groups * s.cells * static_cast<size_t>(ma.k_stride);
  s.minimap = cfg.minimap ? s.groups * s.groups * static_cast<size_t>(obs.max_side) * static_cast<size_t>(obs.max_side) : 0;
  return s;
}

ObsLayouts layouts_of(const WorldConfig& cfg) {
  ObsLayouts L{};
  int64_t obs_offset = 0, feat_offset = 0;
  L.max_side = 1;
  for (int g = 0; g < cfg.n_groups(); ++g) {
    ObsLayout& l = L.g[g];
    l.view_side = view_side(cfg, g);
    l.channels = obs_channels(cfg);
    l.per_group = cfg.minimap ? 3 : 2;
    l.n_features = n_features(cfg, g);
    l.minimap = cfg.minimap ? 1 : 0;
    l.bin_w = (cfg.width + l.view_side - 1) / l.view_side;
    l.bin_h = (cfg.height + l.view_side - 1) / l.view_side;
    l.obs_offset = obs_offset;
    l.feat_offset = feat_offset;
    const int64_t count = cfg.groups[static_cast<size_t>(g)].count;
    obs_offset += count * l.row_stride();
    feat_offset += count * l.n_features;
    L.max_side = std::max(L.max_side, l.view_side);
    L.observed[g] = cfg.groups[static_cast<size_t>(g)].acts || cfg.observe_passive ? 1 : 0;
  }
  return L;
}

MeanActionParams mean_params_of(const WorldConfig& cfg) {
  MeanActionParams ma{};
  ma.half = static_cast<int>(std::floor(cfg.mean_radius));
  ma.radius = cfg.mean_radius;
  ma.k_stride = max_actions(cfg);
  ma.nearest_fraction = cfg.nearest_fraction;
  ma.nearest_cap = cfg.nearest_cap;
  ma.euclidean = cfg.mean_metric == Metric::kEuclidean ? 1 : 0;
  ma.gather = ma.euclidean || cfg.mean_method == MeanActionMethod::kGather ||
              (cfg.mean_method == MeanActionMethod::kAuto &&
               chebyshev_gather_is_cheaper(cfg.n_agents(), static_cast<int64_t>(cfg.width) * cfg.height,
                                           cfg.n_groups(), ma.k_stride, ma.half));
  return ma;
}

GroupTable group_table_of(const WorldConfig& cfg) {
  GroupTable gt{};
  gt.n_groups = cfg.n_groups();
  gt.embedding_bits = cfg.embedding_bits;
  gt.begin[0] = 0;
  for (int g = 0; g < gt.n_groups; ++g) {
    const GroupConfig& gc = cfg.groups[static_cast<size_t>(g)];
    gt.type[g] = make_type_params(gc.type);
    gt.begin[g + 1] = gt.begin[g] + gc.count;
    gt.present[g] = gc.count;
    gt.side[g] = gc.side;
    gt.acts[g] = gc.acts ? 1 : 0;
    gt.color[g] = gc.color;
    gt.multi_cell = gt.multi_cell || gc.type.body_w > 1 || gc.type.body_h > 1;
  }
  int64_t id = 0;
  for (int g : cfg.insertion_order.empty() ? std::vector<int>{} : cfg.insertion_order) {
    gt.id_base[g] = id;
    id += cfg.groups[static_cast<size_t>(g)].count;
  }
  if (cfg.insertion_order.empty())
    for (int g = 0; g < gt.n_groups; ++g) gt.id_base[g] = gt.begin[g];
  for (int a = 0; a < gt.n_groups; ++a)
    for (int v = 0; v < gt.n_groups; ++v) {
      gt.rules.hit[a][v] = cfg.rules.hit[a][v];
      gt.rules.hit_taken[a][v] = cfg.rules.hit_taken[a][v];
      gt.rules.kill[a][v] = cfg.rules.kill[a][v];
      gt.rules.pair[a][v] = cfg.rules.pair[a][v];
      gt.rules.lands[a][v] = (a != v || cfg.groups[static_cast<size_t>(a)].type.attack_in_group) ? 1 : 0;
    }
  return gt;
}

}  // namespace myriad
