// rules/observe.hpp: one agent's observation (rules.md §5, games.md §1.5): its group's disc-masked view
// window with a wall channel, per-group presence and hp channels (own group first, then the others in
// cyclic group order), optional minimap channels, and the feature vector. One call writes one window
// row, so a kernel can spread an agent over threads. Each group has its own window and feature sizes.
#pragma once
#include "myriad/bf16.hpp"
#include "myriad/views.hpp"

namespace myriad {

// Where one group's observations live, shared by both backends.
struct ObsLayout {
  int view_side;        // V of the group's window
  int channels;         // 1 + 2·G (+ G with minimap)
  int per_group;        // 2 or 3 channels per group
  int n_features;       // the group's feature count
  int minimap;          // 0/1
  int bin_w, bin_h;     // minimap bin size in cells (⌈W/V⌉, ⌈H/V⌉)
  int64_t obs_offset;   // element offset of the group's first agent in the observation buffer
  int64_t feat_offset;  // element offset of the group's first agent in the feature buffer
  MYRIAD_HD int64_t obs_stride() const { return static_cast<int64_t>(view_side) * view_side * channels; }
  // Pitch of an agent's row in the observation buffers: obs_stride() values, zero-padded to a
  // multiple of 8 (16 bytes of bf16), so the network's view product reads aligned rows.
  MYRIAD_HD int64_t row_stride() const { return (obs_stride() + 7) / 8 * 8; }
};

struct ObsLayouts {
  ObsLayout g[kMaxGroups];
  int max_side;                  // the largest window side (the minimap counts' pitch)
  uint8_t observed[kMaxGroups];  // 0: the group's views are not computed (they stay zero)
};

// Minimap counts: per observer group o and counted group g, g's agents alive at the start of the step
// (the ones that died in it at their death cell) per bin of o's V×V minimap, and g's divisor.
struct MinimapView {
  const int32_t* counts;   // [G][G][max_side][max_side]
  const int32_t* divisor;  // [G]
};

// The channel block of group g for an observer of group o: own group first, then cyclic order.
MYRIAD_HD int group_slot(int observer_group, int g, int n_groups) {
  return g >= observer_group ? g - observer_group : g - observer_group + n_groups;
}

// Per (agent i, window rows [r0, r1) within [0, V)): writes the V·C values of each of those rows of its
// group's window (a CPU thread takes all V rows of an agent at once, a GPU thread one row). Dead agents
// get zeros. A row is zeroed first, then only the cells with content are written (walls, agents, minimap
// bins), so a mostly empty view costs little more than its zeroing.
template <typename T>
MYRIAD_HD void observe_rows(int64_t i, int r0, int r1, const AgentView& a, const GridView& g, const GroupTable& gt,
                            const ObsLayouts& Ls, const MinimapView& mm, T* obs) {
  const int gi = a.group[i];
  const ObsLayout& L = Ls.g[gi];
  const int C = L.channels, V = L.view_side, G = gt.n_groups;
  if (r1 > V) r1 = V;
  T* const window = obs + L.obs_offset + (i - gt.begin[gi]) * L.row_stride();
  const bool alive = a.alive[i] != 0;
  const TypeParams& t = gt.type[gi];
  const int ax = a.x[i], ay = a.y[i];
  const int own_row = ay / L.bin_h, own_col = ax / L.bin_w, M = Ls.max_side;
  const int x_base = ax + t.body_w / 2 - t.view_center;  // map column of window column 0
  for (int row = r0; row < r1; ++row) {
    T* out = window + static_cast<int64_t>(row) * V * C;
    for (int k = 0; k < V * C; ++k) store_value(out + k, 0.0f);
    if (!alive) continue;
    if (L.minimap) {  // the minimap is not masked by the disc
      for (int gg = 0; gg < G; ++gg) {
        const int32_t d = mm.divisor[gg];
        const int ch = 1 + group_slot(gi, gg, G) * L.per_group + 2;
        const int32_t* counts = mm.counts + ((static_cast<int64_t>(gi) * G + gg) * M + row) * M;
        for (int col = 0; col < V; ++col) {
          float m = d > 0 ? static_cast<float>(counts[col]) / static_cast<float>(d) : 0.0f;
          if (row == own_row && col == own_col) m = m + 1.0f;
          if (m != 0.0f) store_value(out + col * C + ch, m);
        }
      }
    }
    const int c0 = t.view_col0[row], c1 = t.view_col1[row];
    if (c0 > c1) continue;  // a row outside the disc
    const int y = ay + t.body_h / 2 + row - t.view_center;
    if (y < 0 || y >= g.dims.height) continue;
    const int j0 = c0 > -x_base ? c0 : -x_base;
    const int j1 = c1 < g.dims.width - 1 - x_base ? c1 : g.dims.width - 1 - x_base;
    const int32_t* occ = g.occ + g.dims.cell(0, y) + x_base;
    const uint8_t* wall = g.wall + g.dims.cell(0, y) + x_base;
    for (int j = j0; j <= j1; ++j) {  // off-map cells stay zero in every channel, wall included
      T* cell = out + j * C;
      if (wall[j]) store_value(cell, 1.0f);
      const int32_t u = occ[j];
      if (u >= 0) {
        const int gu = a.group[u];
        const int base = 1 + group_slot(gi, gu, G) * L.per_group;
        store_value(cell + base, 1.0f);
        store_value(cell + base + 1, a.hp[u] / gt.type[gu].hp_max);
      }
    }
  }
}

// Per agent: the feature vector (embedding bits of its MAgent id, one-hot of the action just played,
// previous reward, and x/W, y/H of the anchor with the minimap). `acted` is false right after reset;
// a group that never acts shows no action.
MYRIAD_HD void observe_features(int64_t i, const AgentView& a, const GridView& g, const GroupTable& gt,
                                const ObsLayouts& Ls, bool acted, float* feat) {
  const int gi = a.group[i];
  const ObsLayout& L = Ls.g[gi];
  const int64_t r = i - gt.begin[gi];
  float* f = feat + L.feat_offset + r * L.n_features;
  for (int k = 0; k < L.n_features; ++k) f[k] = 0.0f;
  if (!a.alive[i]) return;
  const TypeParams& t = gt.type[gi];
  const int64_t id = gt.id_base[gi] + r;
  const int e = gt.embedding_bits;
  for (int b = 0; b < e; ++b) f[b] = static_cast<float>((id >> b) & 1);
  if (acted && gt.acts[gi] && a.action[i] < t.n_actions()) f[e + a.action[i]] = 1.0f;
  int k = e + t.n_actions();
  f[k++] = a.prev_reward[i];
  if (L.minimap) {
    f[k++] = static_cast<float>(a.x[i]) / static_cast<float>(g.dims.width);
    f[k++] = static_cast<float>(a.y[i]) / static_cast<float>(g.dims.height);
  }
}

// Per agent alive at the start of the step: adds it (by anchor) to its group's bin of every observer
// group's minimap, and to its group's divisor. `add(ptr, v)` is an atomic add.
template <typename AddFn>
MYRIAD_HD void minimap_count(int64_t i, const AgentView& a, const GroupTable& gt, const ObsLayouts& Ls,
                             int32_t* counts, int32_t* divisor, AddFn add) {
  if (!(a.alive[i] || a.died[i])) return;
  const int gi = a.group[i], M = Ls.max_side;
  for (int o = 0; o < gt.n_groups; ++o) {
    const ObsLayout& L = Ls.g[o];
    const int row = a.y[i] / L.bin_h, col = a.x[i] / L.bin_w;
    add(&counts[((static_cast<int64_t>(o) * gt.n_groups + gi) * M + row) * M + col], 1);
  }
  add(&divisor[gi], 1);
}

}  // namespace myriad
