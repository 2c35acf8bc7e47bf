// rules/observe.hpp: one agent's observation (rules.md §5): a disc-masked view window with a wall
// channel, per-group presence and hp channels (own group first), optional minimap channels, and
// the feature vector. One call writes one window row, so a kernel can spread an agent over threads.
#pragma once
#include "myriad/bf16.hpp"
#include "myriad/views.hpp"

namespace myriad {

// Static layout of the observation buffers, shared by both backends.
struct ObsLayout {
  int view_side;       // V (the largest group's window; smaller ones are centred, rest zero)
  int channels;        // 1 + 2·G (+ G with minimap)
  int per_group;       // 2 or 3 channels per group
  int n_features;      // stride of the feature vector (largest group's)
  int minimap;         // 0/1
  int bin_w, bin_h;    // minimap bin size in cells
  MYRIAD_HD int64_t obs_stride() const { return static_cast<int64_t>(view_side) * view_side * channels; }
  // Pitch of an agent's row in the observation buffers: obs_stride() values, zero-padded to a
  // multiple of 8 (16 bytes of bf16), so the network's view product reads aligned rows.
  MYRIAD_HD int64_t row_stride() const { return (obs_stride() + 7) / 8 * 8; }
};

// Minimap counts: per group, agents alive at the start of the step (died ones at their death
// cell) per bin of the V×V minimap, and the group's divisor.
struct MinimapView {
  const int32_t* counts;   // [G][V][V]
  const int32_t* divisor;  // [G]
};

MYRIAD_HD int group_slot(int observer_group, int g) {
  // Channel order: own group first, then the others in ascending order.
  if (g == observer_group) return 0;
  return g < observer_group ? g + 1 : g;
}

// Per (agent i, window row `row` in [0, V)): writes the V·C values of that row of the window.
// Dead agents get zeros. The row is zeroed first, then only the cells with content are written
// (walls, agents, minimap bins), so a mostly empty view costs little more than its zeroing.
template <typename T>
MYRIAD_HD void observe_row(int64_t i, int row, const AgentView& a, const GridView& g,
                           const GroupTable& gt, const ObsLayout& L, const MinimapView& mm,
                           T* obs) {
  const int C = L.channels, V = L.view_side;
  T* out = obs + i * L.row_stride() + static_cast<int64_t>(row) * V * C;
  for (int k = 0; k < V * C; ++k) store_value(out + k, 0.0f);
  if (!a.alive[i]) return;
  const int gi = a.group[i];
  const TypeParams& t = gt.type[gi];
  const int half = V / 2, ax = a.x[i], ay = a.y[i];
  if (L.minimap) {  // the minimap is not masked by the disc
    const int own_row = ay / L.bin_h, own_col = ax / L.bin_w;
    for (int gg = 0; gg < gt.n_groups; ++gg) {
      const int32_t d = mm.divisor[gg];
      const int ch = 1 + group_slot(gi, gg) * L.per_group + 2;
      const int32_t* counts = mm.counts + (static_cast<int64_t>(gg) * V + row) * V;
      for (int col = 0; col < V; ++col) {
        float m = d > 0 ? static_cast<float>(counts[col]) / static_cast<float>(d) : 0.0f;
        if (row == own_row && col == own_col) m = m + 1.0f;
        if (m != 0.0f) store_value(out + col * C + ch, m);
      }
    }
  }
  const int dy = row - half, y = ay + dy;
  if (dy < -t.view_half || dy > t.view_half || y < 0 || y >= g.dims.height) return;
  // The disc's half-width on this row, clipped to the map: no per-cell distance test.
  const float r2 = t.view_radius * t.view_radius;
  int w = t.view_half;
  while (w >= 0 && static_cast<float>(w * w + dy * dy) > r2) --w;
  const int dx0 = ax - w < 0 ? -ax : -w;
  const int dx1 = ax + w >= g.dims.width ? g.dims.width - 1 - ax : w;
  const int32_t* occ = g.occ + g.dims.cell(ax, y);
  const uint8_t* wall = g.wall + g.dims.cell(ax, y);
  for (int dx = dx0; dx <= dx1; ++dx) {  // off-map cells stay zero in every channel, wall included
    T* cell = out + (dx + half) * C;
    if (wall[dx]) store_value(cell, 1.0f);
    const int32_t u = occ[dx];
    if (u >= 0) {
      const int gu = a.group[u];
      const int base = 1 + group_slot(gi, gu) * L.per_group;
      store_value(cell + base, 1.0f);
      store_value(cell + base + 1, a.hp[u] / gt.type[gu].hp_max);
    }
  }
}

// Per agent: the feature vector (id bits, one-hot of the action just played, previous reward,
// and x/W, y/H with the minimap). `acted` is false right after reset.
MYRIAD_HD void observe_features(int64_t i, const AgentView& a, const GridView& g,
                                const GroupTable& gt, const ObsLayout& L, bool acted,
                                float* feat) {
  float* f = feat + i * L.n_features;
  for (int k = 0; k < L.n_features; ++k) f[k] = 0.0f;
  if (!a.alive[i]) return;
  const TypeParams& t = gt.type[a.group[i]];
  for (int b = 0; b < 10; ++b) f[b] = static_cast<float>((i >> b) & 1);
  if (acted && a.action[i] < t.n_actions()) f[10 + a.action[i]] = 1.0f;
  int k = 10 + t.n_actions();
  f[k++] = a.prev_reward[i];
  if (L.minimap) {
    f[k++] = static_cast<float>(a.x[i]) / static_cast<float>(g.dims.width);
    f[k++] = static_cast<float>(a.y[i]) / static_cast<float>(g.dims.height);
  }
}

// Per agent: adds it to its group's minimap bin if it was alive at the start of the step.
// `add(ptr, v)` is atomicAdd on the device, += on the host.
template <typename AddFn>
MYRIAD_HD void minimap_count(int64_t i, const AgentView& a, const ObsLayout& L, int32_t* counts,
                             int32_t* divisor, AddFn add) {
  if (!(a.alive[i] || a.died[i])) return;
  const int gi = a.group[i];
  const int row = a.y[i] / L.bin_h, col = a.x[i] / L.bin_w;
  add(&counts[(static_cast<int64_t>(gi) * L.view_side + row) * L.view_side + col], 1);
  add(&divisor[gi], 1);
}

}  // namespace myriad
