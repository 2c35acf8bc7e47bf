// rules/mean_action.hpp: the mean action of each alive agent's same-group neighbours (rules.md §6).
// Chebyshev radius: two sliding-window passes over per-cell action counts (row windows, then
// column windows), O(K) per cell whatever the radius. Euclidean: a direct gather over the disc.
// Team-wide: per-group action counts. Nearest (MFQMIX): the k closest same-group agents, searched ring by
// ring on the grid. Every path ends in finalize_mean, so the floats agree.
#pragma once
#include "myriad/views.hpp"

namespace myriad {

enum class MeanActionMode { kOff, kRadius, kTeamWide, kNearest };

inline constexpr int kMaxNearest = 64;

struct MeanActionParams {
  int half;          // R = floor(radius): the Chebyshev window is (2R+1)²
  float radius;      // Euclidean: dx²+dy² <= radius²
  int k_stride;      // floats per agent in the output and counts per cell in the row pass
  int euclidean;     // 1: the disc (always by gather)
  int gather;        // 1: per-agent gather; 0: the sliding passes (Chebyshev only)
  float nearest_fraction;  // kNearest: k = ceil(fraction·(N − 1)) of a group of N, in [1, nearest_cap]
  int nearest_cap;
  // Other modes: the groups (bit g) whose ā is the nearest one all the same (an MFQMIX network playing
  // beside an MF-Q one).
  uint32_t nearest_groups;
};

// The neighbours a nearest mean action counts in a group of n agents.
MYRIAD_HD int nearest_count(const MeanActionParams& p, int64_t n) {
  const float f = p.nearest_fraction * static_cast<float>(n > 1 ? n - 1 : 0);
  int k = static_cast<int>(f);
  if (static_cast<float>(k) < f) ++k;
  if (k < 1) k = 1;
  return k < p.nearest_cap ? k : p.nearest_cap;
}

// Sliding passes cost ~ cells·groups·K whatever the radius; a gather costs agents·(2R+1)².
// Both give the same integer counts, so the same floats; `auto` takes the cheaper one.
inline bool chebyshev_gather_is_cheaper(int64_t agents, int64_t cells, int groups, int k, int half) {
  const int64_t window = static_cast<int64_t>(2 * half + 1) * (2 * half + 1);
  return agents * window < cells * groups * k;
}

// Shared last step: counts include the agent itself (it is alive and in its own window).
MYRIAD_HD void finalize_mean(int64_t i, const AgentView& a, const TypeParams& t, const uint32_t* cnt,
                             bool exclude_self, int k_stride, float* out) {
  float* m = out + i * k_stride;
  uint32_t n = 0;
  for (int k = 0; k < t.n_actions(); ++k) n += cnt[k];
  const int self = a.action[i];
  if (exclude_self) n -= 1;
  for (int k = 0; k < k_stride; ++k) m[k] = 0.0f;
  if (n == 0) return;
  for (int k = 0; k < t.n_actions(); ++k) {
    const uint32_t c = cnt[k] - ((exclude_self && k == self) ? 1u : 0u);
    m[k] = static_cast<float>(c) / static_cast<float>(n);
  }
}

// The action of the agent in cell c (column cx, row cy) if it counts for group gg (alive, same group,
// and, for multi-cell bodies, c is its anchor: an agent counts once), else -1. The pointers are held in
// locals: the uint8 stores of the row pass may alias anything, and would otherwise force a reload of
// every view member.
template <bool Anchors>
struct CountSource {
  const int32_t* occ;
  const uint8_t* group;
  const uint8_t* alive;
  const uint8_t* action;
  const int32_t* ax;  // anchors, read only with Anchors (a group of multi-cell bodies)
  const int32_t* ay;
  MYRIAD_HD int at(int64_t c, int cx, int cy, int gg) const {
    const int32_t u = occ[c];
    if (u < 0 || group[u] != gg || !alive[u]) return -1;
    if constexpr (Anchors) {
      if (ax[u] != cx || ay[u] != cy) return -1;
    }
    return action[u];
  }
};

MYRIAD_HD bool multi_cell(const TypeParams& t) { return t.body_w > 1 || t.body_h > 1; }

// Pass 1, per (group gg, row y, columns [x0, x1)): hc[((gg·H + y)·W + x)·k_stride + k] = agents of gg
// with action k in row y, columns [x-R, x+R].
template <bool Anchors>
MYRIAD_HD void mean_row_pass_of(int gg, int y, int x0, int x1, const AgentView& a, const GridView& g,
                                const GroupTable& gt, const MeanActionParams& p, uint8_t* hc) {
  const int K = gt.type[gg].n_actions();
  const int W = g.dims.width, R = p.half;
  const CountSource<Anchors> src{g.occ + g.dims.cell(0, y), a.group, a.alive, a.action, a.x, a.y};
  uint32_t cnt[kMaxActions];
  for (int k = 0; k < K; ++k) cnt[k] = 0;
  // The window of x0 - 1, so that the first slide (add x0+R, drop x0-R-1) lands on x0's window.
  for (int x = x0 - R - 1; x <= x0 + R - 1; ++x) {
    if (x < 0 || x >= W) continue;
    const int act = src.at(x, x, y, gg);
    if (act >= 0) ++cnt[act];
  }
  uint8_t* o = hc + ((static_cast<int64_t>(gg) * g.dims.height + y) * W + x0) * p.k_stride;
  for (int x = x0; x < x1; ++x, o += p.k_stride) {
    const int xin = x + R, xout = x - R - 1;
    if (xin < W) { const int act = src.at(xin, xin, y, gg); if (act >= 0) ++cnt[act]; }
    if (xout >= 0) { const int act = src.at(xout, xout, y, gg); if (act >= 0) --cnt[act]; }
    for (int k = 0; k < K; ++k) o[k] = static_cast<uint8_t>(cnt[k]);
  }
}

MYRIAD_HD void mean_row_pass(int gg, int y, int x0, int x1, const AgentView& a, const GridView& g,
                             const GroupTable& gt, const MeanActionParams& p, uint8_t* hc) {
  if (multi_cell(gt.type[gg])) mean_row_pass_of<true>(gg, y, x0, x1, a, g, gt, p, hc);
  else mean_row_pass_of<false>(gg, y, x0, x1, a, g, gt, p, hc);
}

// Pass 2, per (group gg, column x, rows [y0, y1)): slides the row counts down the column and
// finalises the mean for every agent of gg found on the way.
MYRIAD_HD void mean_column_pass(int gg, int x, int y0, int y1, const AgentView& a, const GridView& g,
                                const GroupTable& gt, const MeanActionParams& p, const uint8_t* hc,
                                float* out) {
  const TypeParams& t = gt.type[gg];
  const int K = t.n_actions();
  const int W = g.dims.width, H = g.dims.height, R = p.half;
  uint32_t cnt[kMaxActions];
  for (int k = 0; k < K; ++k) cnt[k] = 0;
  auto row_counts = [&](int y) { return hc + ((static_cast<int64_t>(gg) * H + y) * W + x) * p.k_stride; };
  for (int y = y0 - R - 1; y <= y0 + R - 1; ++y) {  // the window of y0 - 1, as in the row pass
    if (y < 0 || y >= H) continue;
    const uint8_t* r = row_counts(y);
    for (int k = 0; k < K; ++k) cnt[k] += r[k];
  }
  for (int y = y0; y < y1; ++y) {
    const int yin = y + R, yout = y - R - 1;
    if (yin < H && yout >= 0) {  // the common case, in one pass
      const uint8_t* rin = row_counts(yin);
      const uint8_t* rout = row_counts(yout);
      for (int k = 0; k < K; ++k) cnt[k] = cnt[k] + rin[k] - rout[k];
    } else if (yin < H) {
      const uint8_t* r = row_counts(yin);
      for (int k = 0; k < K; ++k) cnt[k] += r[k];
    } else if (yout >= 0) {
      const uint8_t* r = row_counts(yout);
      for (int k = 0; k < K; ++k) cnt[k] -= r[k];
    }
    const int32_t i = g.occ[g.dims.cell(x, y)];
    if (i >= 0 && a.group[i] == gg && a.alive[i] && (!multi_cell(t) || (a.x[i] == x && a.y[i] == y)))
      finalize_mean(i, a, t, cnt, true, p.k_stride, out);
  }
}

// Direct gather (Euclidean, or Chebyshev as the reference the sliding passes are tested against).
template <bool Anchors>
MYRIAD_HD void mean_direct_of(int64_t i, const AgentView& a, const GridView& g, const TypeParams& t, int gi,
                              const MeanActionParams& p, float* out) {
  uint32_t cnt[kMaxActions];
  for (int k = 0; k < t.n_actions(); ++k) cnt[k] = 0;
  const float r2 = p.radius * p.radius;
  const int ax = a.x[i], ay = a.y[i], W = g.dims.width;
  const CountSource<Anchors> src{g.occ, a.group, a.alive, a.action, a.x, a.y};
  for (int dy = -p.half; dy <= p.half; ++dy) {
    const int y = ay + dy;
    if (y < 0 || y >= g.dims.height) continue;
    int w = p.half;  // the row's half-width: the whole window, or the disc's chord
    if (p.euclidean)
      while (w >= 0 && static_cast<float>(w * w + dy * dy) > r2) --w;
    const int x0 = ax - w < 0 ? 0 : ax - w, x1 = ax + w >= W ? W - 1 : ax + w;
    const int64_t row = g.dims.cell(0, y);
    for (int x = x0; x <= x1; ++x) {
      const int act = src.at(row + x, x, y, gi);
      if (act >= 0) ++cnt[act];
    }
  }
  finalize_mean(i, a, t, cnt, true, p.k_stride, out);
}

MYRIAD_HD void mean_direct(int64_t i, const AgentView& a, const GridView& g,
                           const GroupTable& gt, const MeanActionParams& p, float* out) {
  if (!a.alive[i]) return;
  const int gi = a.group[i];
  const TypeParams& t = gt.type[gi];
  if (multi_cell(t)) mean_direct_of<true>(i, a, g, t, gi, p, out);
  else mean_direct_of<false>(i, a, g, t, gi, p, out);
}

// Nearest: the mean of the actions of the k alive agents of i's group closest to it (Euclidean distance
// between anchors, ties to the lower id; fewer when the group has fewer). Rings of Chebyshev distance
// d = 1, 2, … are searched until the k-th closest found is nearer than any cell of the next ring.
template <bool Anchors>
MYRIAD_HD void mean_nearest_of(int64_t i, const AgentView& a, const GridView& g, const TypeParams& t, int gi,
                               int k, float* out, int k_stride) {
  int32_t best_d[kMaxNearest], best_u[kMaxNearest];
  uint8_t best_a[kMaxNearest];
  int n = 0;
  const int ax = a.x[i], ay = a.y[i], W = g.dims.width, H = g.dims.height;
  const int far = (W > H ? W : H);
  const CountSource<Anchors> src{g.occ, a.group, a.alive, a.action, a.x, a.y};
  auto offer = [&](int x, int y) {
    if (x < 0 || y < 0 || x >= W || y >= H) return;
    const int64_t c = g.dims.cell(x, y);
    const int act = src.at(c, x, y, gi);
    if (act < 0) return;
    const int32_t u = g.occ[c];
    if (u == static_cast<int32_t>(i)) return;
    const int32_t d2 = (x - ax) * (x - ax) + (y - ay) * (y - ay);
    if (n == k && (d2 > best_d[n - 1] || (d2 == best_d[n - 1] && u > best_u[n - 1]))) return;
    int j = n < k ? n++ : n - 1;  // insertion into the sorted list
    while (j > 0 && (best_d[j - 1] > d2 || (best_d[j - 1] == d2 && best_u[j - 1] > u))) {
      best_d[j] = best_d[j - 1];
      best_u[j] = best_u[j - 1];
      best_a[j] = best_a[j - 1];
      --j;
    }
    best_d[j] = d2;
    best_u[j] = u;
    best_a[j] = static_cast<uint8_t>(act);
  };
  for (int d = 1; d <= far; ++d) {
    for (int dx = -d; dx <= d; ++dx) {
      offer(ax + dx, ay - d);
      offer(ax + dx, ay + d);
    }
    for (int dy = -d + 1; dy <= d - 1; ++dy) {
      offer(ax - d, ay + dy);
      offer(ax + d, ay + dy);
    }
    if (n == k && best_d[n - 1] < (d + 1) * (d + 1)) break;
  }
  uint32_t cnt[kMaxActions];
  for (int c = 0; c < t.n_actions(); ++c) cnt[c] = 0;
  for (int j = 0; j < n; ++j) ++cnt[best_a[j]];
  float* m = out + i * k_stride;
  for (int c = 0; c < k_stride; ++c) m[c] = 0.0f;
  if (n == 0) return;
  for (int c = 0; c < t.n_actions(); ++c) m[c] = static_cast<float>(cnt[c]) / static_cast<float>(n);
}

MYRIAD_HD void mean_nearest(int64_t i, const AgentView& a, const GridView& g, const GroupTable& gt,
                            const MeanActionParams& p, float* out) {
  if (!a.alive[i]) return;
  const int gi = a.group[i];
  const TypeParams& t = gt.type[gi];
  const int k = nearest_count(p, gt.present[gi]);
  if (multi_cell(t)) mean_nearest_of<true>(i, a, g, t, gi, k, out, p.k_stride);
  else mean_nearest_of<false>(i, a, g, t, gi, k, out, p.k_stride);
}

// Team-wide: counts[gg·kMaxActions + k] over the alive agents of each group (i included).
template <typename AddFn>
MYRIAD_HD void team_count(int64_t i, const AgentView& a, uint32_t* counts, AddFn add) {
  if (a.alive[i]) add(&counts[a.group[i] * kMaxActions + a.action[i]], 1u);
}

MYRIAD_HD void mean_team_wide(int64_t i, const AgentView& a, const GroupTable& gt,
                              const uint32_t* counts, int k_stride, float* out) {
  if (!a.alive[i]) return;
  const int gi = a.group[i];
  finalize_mean(i, a, gt.type[gi], counts + gi * kMaxActions, false, k_stride, out);
}

}  // namespace myriad
