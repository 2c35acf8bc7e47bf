"""world.py: the battle world (rules.md §1-§6) as PyTorch tensors, no Python loop over agents.

State (N = n_red + n_blue agents, ids red 0..n_red-1 then blue, as MAgent numbers them):
  x, y (int64), hp (float32), alive (bool), group (int64: 0 red, 1 blue), last_action (int64, -1
  before the first action), reward (the last step's), prev_reward (the step before it), died (in
  the last step); the map: wall (bool [H*W+1]) and grid, the cell -> agent map (int64 [H*W+1],
  -1 empty). The extra last cell of both is a trash slot: masked-out rows scatter into it, which
  keeps every update free of boolean indexing (no host synchronisation).

Where MAgent's result depends on processing order the parallel rules of rules.md (marked [ours])
are used: hits on one victim in a random attacker priority, move claims in rounds (highest random
priority wins a cell, at most 8 rounds, no swaps). The priorities come from torch's generator, not
Myriad's Philox stream, so individual order-dependent outcomes differ from Myriad's; every
order-free result is the same.
"""
import math

import torch

MOVES = [(dx, dy) for dy in range(-2, 3) for dx in range(-2, 3) if dx * dx + dy * dy <= 4]  # 13
ATTACKS = [(dx, dy) for dy in (-1, 0, 1) for dx in (-1, 0, 1) if (dx, dy) != (0, 0)]  # 8
N_ACTIONS, N_MOVES, STAY = 21, 13, 6
HP_MAX, DAMAGE, RECOVER = 10.0, 2.0, 0.1
KILL_REWARD, STEP_REWARD, DEAD_PENALTY, ATTACK_PENALTY, ATTACK_OPP = 5.0, -0.005, -0.1, -0.1, 0.2
VIEW_R, MEAN_R = 6, 6
V = 2 * VIEW_R + 1          # 13: window side
N_CH, N_FEAT = 5, 32        # wall, own presence, own hp, enemy presence, enemy hp; 10 + 21 + 1
OBS_DIM = V * V * N_CH      # 845
IN_DIM = OBS_DIM + N_FEAT + N_ACTIONS  # 898
MOVE_ROUNDS = 8


def map_side(total_agents):
    """The density rule: S = ceil(5 * sqrt(agents per team))."""
    return int(math.ceil(5 * math.sqrt(total_agents / 2)))


def block_positions(n_red, n_blue, side):
    """MAgent2 battle_v4's generate_map as Myriad places it (host/placement.cpp): per team a square
    block of side 2*ceil(sqrt(n)) on a stride-2 lattice, x outer and y inner, red left of the
    centre column and blue right, 3 cells from it on each side."""
    xs, ys = [], []
    for g, n in enumerate((n_red, n_blue)):
        k = math.isqrt(n)
        k = k if k * k >= n else k + 1
        s = 2 * k
        x0 = side // 2 - 3 - s if g == 0 else side // 2 + 3
        y0 = (side - s) // 2
        i = torch.arange(n)
        xs.append(x0 + 2 * (i // k))
        ys.append(y0 + 2 * (i % k))
    x, y = torch.cat(xs), torch.cat(ys)
    if int(x.min()) < 1 or int(y.min()) < 1 or int(x.max()) > side - 2 or int(y.max()) > side - 2:
        raise ValueError("map too small for blocks placement")
    return x, y


def random_positions(n, side, gen):
    """Uniform over the interior cells (rules.md §4 'random'; torch's generator, not Philox)."""
    inner = side - 2
    cells = torch.randperm(inner * inner, generator=gen)[:n]
    return 1 + cells % inner, 1 + cells // inner


class Battle:
    def __init__(self, n_red, n_blue, side, device="cpu", placement="blocks", seed=0,
                 positions=None, obs_dtype=torch.float32):
        self.dev = torch.device(device)
        self.n_red, self.n_blue, self.N = n_red, n_blue, n_red + n_blue
        self.W = self.H = side
        self.HW = side * side
        self.obs_dtype = obs_dtype
        self.gen = torch.Generator(device=self.dev).manual_seed(seed)
        dev, N, W, H = self.dev, self.N, self.W, self.H
        if positions is not None:
            x, y = positions
        elif placement == "blocks":
            x, y = block_positions(n_red, n_blue, side)
        else:
            x, y = random_positions(N, side, torch.Generator().manual_seed(seed))
        self.x = torch.as_tensor(x, dtype=torch.int64).to(dev)
        self.y = torch.as_tensor(y, dtype=torch.int64).to(dev)
        self.ids = torch.arange(N, device=dev)
        self.group = (self.ids >= n_red).long()
        self.hp = torch.full((N,), HP_MAX, device=dev)
        self.alive = torch.ones(N, dtype=torch.bool, device=dev)
        self.died = torch.zeros(N, dtype=torch.bool, device=dev)
        self.last_action = torch.full((N,), -1, dtype=torch.int64, device=dev)
        self.reward = torch.zeros(N, device=dev)
        self.prev_reward = torch.zeros(N, device=dev)
        wall = torch.zeros(H, W, dtype=torch.bool, device=dev)
        wall[0, :] = wall[-1, :] = wall[:, 0] = wall[:, -1] = True
        self.wall2d = wall
        self.wall = torch.cat([wall.view(-1), torch.ones(1, dtype=torch.bool, device=dev)])
        self.grid = torch.full((self.HW + 1,), -1, dtype=torch.int64, device=dev)
        self.claim = torch.full((self.HW + 1,), -1, dtype=torch.int64, device=dev)
        # Action tables: move offsets (zero for attacks), attack offsets (zero for moves).
        mdx = [d[0] for d in MOVES] + [0] * 8
        mdy = [d[1] for d in MOVES] + [0] * 8
        adx = [0] * 13 + [d[0] for d in ATTACKS]
        ady = [0] * 13 + [d[1] for d in ATTACKS]
        t = lambda v: torch.tensor(v, dtype=torch.int64, device=dev)
        self.mdx, self.mdy, self.adx, self.ady = t(mdx), t(mdy), t(adx), t(ady)
        # View offsets in MAgent's [row = dy + 6][col = dx + 6] order, on the padded map; cells
        # outside the disc point at padded cell 0, which is always zero.
        P = VIEW_R
        self.Wp, self.Hp = W + 2 * P, H + 2 * P
        dy, dx = torch.meshgrid(torch.arange(-P, P + 1), torch.arange(-P, P + 1), indexing="ij")
        disc = (dx * dx + dy * dy <= VIEW_R * VIEW_R).reshape(-1)
        self.view_off = (dy * self.Wp + dx).reshape(-1).to(dev)
        self.view_disc = disc.to(dev)
        self.bits = (1 << torch.arange(10, device=dev))
        self.t = 0
        self.index()

    # ---- spatial index: the cell -> agent grid and the compacted list of alive agents -------------
    def cells(self):
        return self.y * self.W + self.x

    def index(self):
        """Rebuilds the grid from positions; returns (alive ids sorted, alive red count). The only
        host synchronisation of the acting step is here (nonzero + the red count)."""
        self.grid.fill_(-1)
        self.grid[torch.where(self.alive, self.cells(), self.HW)] = self.ids
        self.grid[self.HW] = -1
        act = self.alive.nonzero().squeeze(1)
        n_red_alive = int(torch.searchsorted(act, torch.tensor([self.n_red], device=self.dev)).item())
        return act, n_red_alive

    # ---- mean action (rules.md §6): per-cell one-hot counts, summed-area table, box sums ----------
    def mean_action(self, act):
        H, W = self.H, self.W
        valid = self.alive & (self.last_action >= 0)
        ch = torch.where(valid, self.group * N_ACTIONS + self.last_action, 0)
        counts = torch.zeros(2 * N_ACTIONS, H + 1, W + 1, dtype=torch.int32, device=self.dev)
        flat = (ch * (H + 1) + self.y + 1) * (W + 1) + self.x + 1
        counts.view(-1).scatter_add_(0, flat, valid.int())
        sat = counts.cumsum(1, dtype=torch.int32).cumsum(2, dtype=torch.int32)  # [42, H+1, W+1]
        sat = sat.view(2, N_ACTIONS, (H + 1) * (W + 1))
        x, y, g = self.x[act], self.y[act], self.group[act]
        x0, x1 = (x - MEAN_R).clamp(min=0), (x + MEAN_R).clamp(max=W - 1) + 1
        y0, y1 = (y - MEAN_R).clamp(min=0), (y + MEAN_R).clamp(max=H - 1) + 1
        c = lambda yy, xx: sat[g, :, yy * (W + 1) + xx]  # [n, 21]
        box = c(y1, x1) - c(y0, x1) - c(y1, x0) + c(y0, x0)
        la = self.last_action[act]
        box = box.float() - torch.nn.functional.one_hot(la.clamp(min=0), N_ACTIONS).float() * (la >= 0)[:, None]
        n = box.sum(1, keepdim=True)
        return box / n.clamp(min=1.0)

    # ---- observation (rules.md §5): per-perspective channel-last maps, one gather per window cell --
    def observe(self, act):
        """Views [n, 845] (MAgent's [row][col][channel]) and features [n, 32] of the agents `act`."""
        P, Hp, Wp, dev = VIEW_R, self.Hp, self.Wp, self.dev
        # maps[g] is the map seen by group g: [wall, own presence, own hp, enemy presence, enemy hp]
        maps = torch.zeros(2, Hp, Wp, N_CH, dtype=self.obs_dtype, device=dev)
        maps[:, P:P + self.H, P:P + self.W, 0] = self.wall2d.to(self.obs_dtype)
        cell = (self.y[act] + P) * Wp + self.x[act] + P
        g = self.group[act]
        vals = torch.stack([torch.ones_like(self.hp[act]), self.hp[act] / HP_MAX], 1).to(self.obs_dtype)
        flat = maps.view(2 * Hp * Wp, N_CH)
        flat[g * Hp * Wp + cell, 1:3] = vals          # own presence/hp in the agent's own perspective
        flat[(1 - g) * Hp * Wp + cell, 3:5] = vals    # enemy presence/hp in the other perspective
        idx = torch.where(self.view_disc, cell[:, None] + self.view_off, 0) + (g * Hp * Wp)[:, None]
        view = flat[idx].view(act.numel(), OBS_DIM)
        return view, self.features(act)

    def features(self, act):
        f = torch.zeros(act.numel(), N_FEAT, device=self.dev)
        f[:, :10] = ((act[:, None] & self.bits) != 0).float()
        la = self.last_action[act]
        f[:, 10:31] = torch.nn.functional.one_hot(la.clamp(min=0), N_ACTIONS).float() * (la >= 0)[:, None]
        f[:, 31] = self.prev_reward[act]
        return f

    # ---- the rules of one step (rules.md §3) -------------------------------------------------------
    def step(self, action):
        """action: int64 [N] (ignored for dead agents). Returns the step's reward [N]."""
        N, W, H, HW, dev = self.N, self.W, self.H, self.HW, self.dev
        alive0 = self.alive
        a = torch.where(alive0, action, STAY)
        x, y, cell = self.x, self.y, self.cells()
        # Attacks against start-of-step positions; hits on one victim in random attacker order.
        is_att = alive0 & (a >= N_MOVES)
        tcell = (y + self.ady[a]).clamp(0, H - 1) * W + (x + self.adx[a]).clamp(0, W - 1)
        victim = torch.where(is_att, self.grid[tcell], -1)
        vs = victim.clamp(min=0)
        hit = is_att & (victim >= 0) & (self.group[vs] != self.group)
        prio = torch.rand(N, generator=self.gen, device=dev)
        order = torch.argsort(prio, descending=True)
        hv = torch.where(hit, victim, N)[order]
        o2 = torch.argsort(hv, stable=True)
        order, hv = order[o2], hv[o2]
        pos = torch.arange(N, device=dev)
        start = torch.ones_like(hit)
        start[1:] = hv[1:] != hv[:-1]
        seg = torch.cummax(torch.where(start, pos, 0), 0).values
        rank = torch.empty_like(pos)
        rank[order] = pos - seg                  # 0 for the first hit on its victim, 1 next, ...
        before = self.hp[vs] - DAMAGE * rank.float()
        eff = hit & (before >= 0)                # the victim is still alive when this hit lands
        lethal = eff & (before - DAMAGE < 0)     # the killing blow
        bonus = eff & ~lethal
        n_hits = torch.zeros(N, device=dev).index_add_(0, vs, eff.float())
        hp = self.hp - DAMAGE * n_hits
        killed = alive0 & (hp < 0)
        alive = alive0 & ~killed
        self.grid[torch.where(killed, cell, HW)] = -1
        self.grid[HW] = -1
        # Recovery.
        hp = torch.where(alive, torch.clamp(hp + RECOVER, max=HP_MAX), hp)
        # Moves in claim rounds: free target cells only; the highest priority claim wins.
        is_mov = alive & (a < N_MOVES) & (a != STAY)
        mx, my = x + self.mdx[a], y + self.mdy[a]
        inside = (mx >= 0) & (mx < W) & (my >= 0) & (my < H)
        mcell = torch.where(inside & is_mov, my * W + mx, HW)
        pending = is_mov & inside & ~self.wall[mcell]
        mprio = torch.randperm(N, generator=self.gen, device=dev)
        for _ in range(MOVE_ROUNDS):  # a round with no winner changes nothing; no early exit (sync)
            claims = pending & (self.grid[mcell] == -1)
            ccell = torch.where(claims, mcell, HW)
            self.claim.scatter_reduce_(0, ccell, torch.where(claims, mprio, -1), "amax")
            win = claims & (self.claim[ccell] == mprio)
            self.claim[ccell] = -1
            self.grid[torch.where(win, cell, HW)] = -1
            self.grid[torch.where(win, mcell, HW)] = self.ids
            self.grid[HW] = -1
            cell = torch.where(win, mcell, cell)
            pending = pending & ~win
        self.x, self.y = cell % W, cell // W
        # Rewards.
        r = torch.where(alive0, STEP_REWARD, 0.0)
        r = r + torch.where(is_att, ATTACK_PENALTY, 0.0)
        r = r + torch.where(bonus, ATTACK_OPP, 0.0)
        r = r + torch.where(lethal, KILL_REWARD, 0.0)
        r = torch.where(killed, DEAD_PENALTY + torch.where(bonus, ATTACK_OPP, 0.0), r)
        self.hp, self.alive, self.died = hp, alive, killed
        self.last_action = torch.where(alive0, a, -1)
        self.prev_reward, self.reward = self.reward, r
        self.t += 1
        return r

    def team_alive(self):
        """Alive agents per team (a host synchronisation)."""
        return torch.stack([self.alive[:self.n_red].sum(), self.alive[self.n_red:].sum()]).tolist()
