"""MAgent2-compatible PettingZoo environments over Myriad's engine.

``myriad.magent.<game>_v<N>.parallel_env(...)`` takes MAgent2's arguments and presents what MAgent2's
PettingZoo wrapper (``magent2.environments.magent_env.magent_parallel_env``) presents: agent names
(``red_0`` ...), observation and action spaces, observations ``[view, view, channels]`` with the
feature/minimap channels appended as MAgent2 does, rewards, terminations/truncations, ``state()``.
Per-agent dictionaries are built by slicing the batched arrays of one step (no per-agent call into the
engine); observations handed out are copies (PettingZoo users keep them across steps).
"""
from __future__ import annotations

from typing import Dict, Optional

import numpy as np
from gymnasium.spaces import Box, Discrete
from gymnasium.utils import EzPickle
from pettingzoo.utils import wrappers
from pettingzoo.utils.conversions import parallel_to_aec_wrapper
from pettingzoo.utils.env import ParallelEnv

from .. import games as _games
from ..env import Env

# The reward values each MAgent2 game lists before its arguments for the observation bounds of the
# last-reward channel (reward_range in MAgent2's environments).
_REWARD_BASE = {"battle": [5], "battlefield": [5], "combined_arms": [5], "gather": [5],
                "adversarial_pursuit": [1, -1, -1, -1, -1], "tiger_deer": [1, -1]}


class MyriadMagentParallelEnv(ParallelEnv, EzPickle):
    """One MAgent2 game as a PettingZoo ParallelEnv, played by Myriad."""

    def __init__(self, game: str, magent_name: str, map_size: int, max_cycles: int, minimap_mode: bool,
                 extra_features: bool, render_mode=None, seed=None, backend: str = "auto", _layout=None,
                 **args):
        EzPickle.__init__(self, game, magent_name, map_size, max_cycles, minimap_mode, extra_features,
                          render_mode, seed, backend, **args)
        self.metadata = {"render_modes": ["rgb_array"], "name": magent_name, "render_fps": 5}
        if render_mode not in (None, "rgb_array"):
            raise ValueError(f"render_mode {render_mode!r} is not supported by myriad.magent (valid: None, "
                             "'rgb_array')")
        self.render_mode = render_mode
        if not isinstance(max_cycles, (int, np.integer)) or max_cycles <= 0:
            raise ValueError(f"max_cycles must be a positive integer, got {max_cycles!r}")
        reward_args = _games.check_args(game, args, magent_name)
        self.map_size = map_size
        self.max_cycles = int(max_cycles)
        self.minimap_mode = bool(minimap_mode)
        self.extra_features = bool(extra_features)
        self._fixed_positions = None
        common = dict(max_cycles=int(max_cycles), minimap_mode=bool(minimap_mode), mean_action="off")
        try:
            self._env = Env(game, backend, 0 if seed is None else int(seed), map_size=map_size,
                            **common, **(_layout or {}), **reward_args)
        except ValueError:
            if game != "battle" or _layout:
                raise
            # MAgent2's battle generator drops the block cells that fall off a small map (sides 12 to
            # about 35), where Myriad's refuses the map: the same cells, as an explicit layout.
            pos = _magent_battle_blocks(int(map_size))
            self._fixed_positions = pos
            self._env = Env(game, backend, 0 if seed is None else int(seed), map_size=map_size, **common,
                            _counts=[len(pos) // 2, len(pos) // 2], _walls=[], placement="random", **reward_args)
        self._seed = seed
        env = self._env
        # MAgent2's handles are the acting groups (gather's food is not one); state() covers every group.
        self._all = list(range(len(env.group_names)))
        self._handles = [g for g in self._all if env._info[g]["acts"]]
        info = env._info
        self._names = {g: np.array([f"{info[g]['name']}_{k}" for k in range(info[g]["count"])], dtype=object)
                       for g in self._handles}
        self.possible_agents = [n for g in self._handles for n in self._names[g]]
        self.agents = self.possible_agents[:]
        # slot of each agent among the acting groups' agents, and the bounds of each group there
        self._flat = {n: i for i, n in enumerate(self.possible_agents)}
        bounds, start = {}, 0
        for g in self._handles:
            bounds[g] = (start, start + info[g]["count"])
            start += info[g]["count"]
        self._bounds = bounds
        self._stay = np.concatenate([np.full(info[g]["count"], info[g]["stay_action"], np.int64) for g in self._handles])
        self._n_act = np.concatenate([np.full(info[g]["count"], info[g]["n_actions"], np.int64) for g in self._handles])

        reward_vals = np.array(_REWARD_BASE[game] + list(reward_args.values()))
        reward_low, reward_high = np.minimum(reward_vals, 0).sum(), np.maximum(reward_vals, 0).sum()
        self._extra = {}
        obs_spaces = {}
        for g in self._handles:
            V, C, F = info[g]["view_side"], info[g]["channels"], info[g]["n_features"]
            extra = F if self.extra_features else (2 if self.minimap_mode else 0)
            self._extra[g] = extra
            space = Box(low=0.0, high=2.0, shape=(V, V, C + extra), dtype=np.float32)
            if self.extra_features:
                idx = space.shape[2] - 3 if self.minimap_mode else space.shape[2] - 1
                space.low[:, :, idx] = reward_low
                space.high[:, :, idx] = reward_high
            for n in self._names[g]:
                obs_spaces[n] = Box(low=space.low, high=space.high, dtype=np.float32) if self.extra_features else \
                    Box(low=0.0, high=2.0, shape=space.shape, dtype=np.float32)
        self.observation_spaces = obs_spaces
        self.action_spaces = {n: Discrete(info[g]["n_actions"]) for g in self._handles for n in self._names[g]}
        self._mm_features = 2 if self.minimap_mode else 0
        max_feat = max(info[g]["n_features"] for g in self._all)
        depth = (max_feat - self._mm_features) * self.extra_features + 1 + len(self._all) * 2
        W = env.map_size
        self.state_space = Box(low=0.0, high=2.0, shape=(W, W, depth), dtype=np.float32)
        if self.extra_features:
            self.state_space.low[:, :, depth - 1] = reward_low
            self.state_space.high[:, :, depth - 1] = reward_high
        self._live = {g: np.ones(info[g]["count"], bool) for g in self._handles}
        self.frames = 0
        self._base_state = None
        self._started = False

    # -- PettingZoo API ------------------------------------------------------------------------------
    def observation_space(self, agent):
        return self.observation_spaces[agent]

    def action_space(self, agent):
        return self.action_spaces[agent]

    def reset(self, seed=None, options=None):
        if seed is not None:
            self._seed = seed
        return self.reset_to(self._fixed_positions, None if seed is None else int(seed))

    def reset_to(self, positions, seed: Optional[int] = None):
        """Starts an episode with every agent's anchor given ([agents, 2] (x, y), group order, every
        group, gather's food included): the way the MAgent2 comparison places both engines alike."""
        self._env.reset(seed=seed, positions=positions)
        self._started = True
        self.agents = self.possible_agents[:]
        self.frames = 0
        for g in self._handles:
            self._live[g][:] = True
        self._base_state = None
        self._update_live_flat()
        return self._observations(), {a: {} for a in self.agents}

    def step(self, actions: Dict[str, int]):
        if not self._started:
            raise RuntimeError("step: call reset() before the first step")
        if not self.agents or self._env.done:
            raise RuntimeError("step: the episode is over (no agents left); call reset() first")
        full = self._stay.copy()
        if actions:
            try:
                keys = list(actions)
                if keys == self.agents:  # the usual call: every live agent, in order
                    idx = self._live_flat
                else:
                    idx = np.fromiter((self._flat[a] for a in keys), np.int64, len(keys))
            except KeyError as e:
                raise ValueError(f"actions: unknown agent {e.args[0]!r}; agents are named like "
                                 f"{self.possible_agents[0]!r}") from None
            vals = np.asarray(list(actions.values()))
            if vals.ndim != 1 or vals.dtype.kind not in "iu":
                bad = next(a for a, v in actions.items() if np.ndim(v) != 0 or np.asarray(v).dtype.kind not in "iu")
                raise ValueError(f"actions[{bad!r}] must be an integer, got {actions[bad]!r}")
            out = (vals < 0) | (vals >= self._n_act[idx])
            if out.any():
                k = int(np.flatnonzero(out)[0])
                a = list(actions)[k]
                raise ValueError(f"actions[{a!r}] = {vals[k]} is out of range: {a}'s action space is "
                                 f"Discrete({self._n_act[idx[k]]}) (0-{self._n_act[idx[k]] - 1})")
            full[idx] = vals
        group_actions = {self._env.group_names[g]: full[b0:b1] for g, (b0, b1) in self._bounds.items()}
        arrays = self._env.host_groups()
        # the rewards of the step before, which the features of an agent dying in this one show
        prev_reward = {g: np.array(arrays[self._env.group_names[g]].reward) for g in self._handles}
        self._env.step(group_actions)
        arrays = self._env.host_groups()
        self.frames += 1
        step_done = self._env.terminated
        trunc = self.frames >= self.max_cycles
        observations = self._observations()
        self._add_dying_observations(observations, prev_reward)
        rewards, terminations = {}, {}
        for g in self._handles:
            live = np.flatnonzero(self._live[g])
            names = self._names[g][live].tolist()
            a = arrays[self._env.group_names[g]]
            rewards.update(zip(names, a.reward[live].astype(np.float64).tolist()))
            dead = np.ones(len(live), bool) if step_done else ~a.alive[live]
            terminations.update(zip(names, dead.tolist()))
        truncations = {a: trunc for a in self.agents}
        infos = {a: {} for a in self.agents}
        for g in self._handles:
            if step_done or trunc:
                self._live[g][:] = False
            else:
                self._live[g] &= arrays[self._env.group_names[g]].alive
        self.agents = [a for a in self.agents if not (terminations[a] or trunc)]
        self._update_live_flat()
        return observations, rewards, terminations, truncations, infos

    def state(self):
        """MAgent2's global state: [W, W, 1 + 2·groups (+ features)], indexed [x, y, channel]."""
        snap = self._env.state_snapshot()
        if self._base_state is None:
            base = np.zeros(self.state_space.shape, np.float32)
            wy, wx = np.nonzero(snap["wall"])  # the border cells too, as MAgent2's wall list has them
            base[wx, wy, 0] = 1
            self._base_state = base
        state = self._base_state.copy()
        info = self._env._info
        for g in self._all:
            b, n = info[g]["begin"], info[g]["count"]
            alive = snap["alive"][b:b + n].astype(bool)
            x, y = snap["x"][b:b + n][alive], snap["y"][b:b + n][alive]
            hp = snap["hp"][b:b + n][alive] / np.float32(info[g]["hp_max"])
            state[x, y, 1 + g * 2] = 1
            state[x, y, 2 + g * 2] = hp
            if self.extra_features:
                feats = self._env.host_groups()[info[g]["name"]].features[alive]
                mm = self._mm_features
                width = state.shape[2] - (1 + len(self._handles) * 2 + feats.shape[1] - mm)
                # MAgent2 reads the features again here, after the step's rewards: the reward column
                # holds this step's reward (the observations of the step hold the previous one).
                rewards = self._env.host_groups()[info[g]["name"]].reward[alive].reshape(-1, 1) \
                    if self._env.step_count > 0 else np.zeros((feats.shape[0], 1), np.float32)
                actions = np.concatenate((feats[:, :-1 - mm], np.zeros((feats.shape[0], width))), axis=1)
                state[x, y, 1 + len(self._handles) * 2:] = np.hstack((actions, rewards))
        return state

    def _add_dying_observations(self, observations, prev_reward):
        """The observations of the agents that died in this step, as MAgent2 gives them: the view at the
        cell where they died, built like everyone's (the engine gives a dead agent zeros). Only the few
        dying agents are visited; each window is filled a row at a time with array operations."""
        arrays = self._env.host_groups()
        dying = {g: np.flatnonzero(arrays[self._env.group_names[g]].died & self._live[g]) for g in self._handles}
        if not any(len(d) for d in dying.values()):
            return
        snap = self._env.state_snapshot()
        info = self._env._info
        G = len(info)
        wall, occ = snap["wall"], snap["occ"]
        H, W = wall.shape
        hp_frac = snap["hp"] / np.array([info[g]["hp_max"] for g in snap["group"]], np.float32)
        present = snap["alive"].astype(bool) | snap["died"].astype(bool)  # the minimap counts both
        divisor = np.bincount(snap["group"][present], minlength=G)
        for g, idx in dying.items():
            if not len(idx):
                continue
            gi = info[g]
            V, C, c = gi["view_side"], gi["channels"], gi["view_center"]
            bw, bh = gi["body"]
            per = gi["per_group"]
            slot = [(gg - g) % G for gg in range(G)]
            minimap = None
            if self.minimap_mode:
                bin_w, bin_h = gi["minimap_bin"]
                minimap = np.zeros((G, V, V), np.float32)
                xs, ys, grp = snap["x"][present], snap["y"][present], snap["group"][present]
                np.add.at(minimap, (grp, ys // bin_h, xs // bin_w), 1.0)
                minimap /= np.maximum(divisor, 1)[:, None, None].astype(np.float32)
            for k in idx:
                i = gi["begin"] + k
                ax, ay = int(snap["x"][i]), int(snap["y"][i])
                view = np.zeros((V, V, C), np.float32)
                if minimap is not None:
                    for gg in range(G):
                        m = minimap[gg].copy()
                        m[ay // gi["minimap_bin"][1], ax // gi["minimap_bin"][0]] += 1.0
                        view[:, :, 1 + slot[gg] * per + 2] = m
                x_base = ax + bw // 2 - c
                for row in range(V):
                    c0, c1 = gi["view_col0"][row], gi["view_col1"][row]
                    y = ay + bh // 2 + row - c
                    if c0 > c1 or y < 0 or y >= H:
                        continue
                    j = np.arange(max(c0, -x_base), min(c1, W - 1 - x_base) + 1)
                    if not len(j):
                        continue
                    view[row, j, 0] = wall[y, x_base + j]
                    u = occ[y, x_base + j]
                    has = u >= 0
                    if has.any():
                        uj, uu = j[has], u[has]
                        base = 1 + np.array(slot)[snap["group"][uu]] * per
                        view[row, uj, base] = 1.0
                        view[row, uj, base + 1] = hp_frac[uu]
                extra = self._extra[g]
                if extra:
                    feats = self._features_of(g, k, i, snap, prev_reward[g][k])
                    if self.minimap_mode and not self.extra_features:
                        feats = feats[-2:]
                    obs = np.empty((V, V, C + extra), np.float32)
                    obs[..., :C] = view
                    obs[..., C:] = feats
                    view = obs
                observations[self._names[g][k]] = view

    def _features_of(self, g, k, i, snap, prev_reward):
        """One agent's feature vector (rules/observe.hpp observe_features) from the host state."""
        gi = self._env._info[g]
        f = np.zeros(gi["n_features"], np.float32)
        e = gi["embedding_bits"]
        ident = gi["id_base"] + k
        f[:e] = [(ident >> b) & 1 for b in range(e)]
        a = int(snap["action"][i])
        if a < gi["n_actions"]:
            f[e + a] = 1.0
        n = e + gi["n_actions"]
        f[n] = prev_reward
        if self.minimap_mode:
            f[n + 1] = np.float32(snap["x"][i]) / np.float32(self._env.map_size)
            f[n + 2] = np.float32(snap["y"][i]) / np.float32(self._env.map_size)
        return f

    def _update_live_flat(self):
        self._live_flat = np.concatenate([np.flatnonzero(self._live[g]) + self._bounds[g][0] for g in self._handles])

    def render(self):
        """render_mode "rgb_array": the map as an RGB array [H, W, 3] (Myriad's renderer, not MAgent2's
        pygame pictures); None otherwise."""
        if self.render_mode != "rgb_array":
            return None
        return self._env.render(max_side=max(400, 8 * self._env.map_size) if self._env.map_size <= 128 else 1024)

    def close(self):
        pass

    # -- internals -----------------------------------------------------------------------------------
    def _observations(self):
        out = {}
        arrays = self._env.host_groups()
        for g in self._handles:
            a = arrays[self._env.group_names[g]]
            live = np.flatnonzero(self._live[g])
            # one copy of the group's views (a plain copy while every agent lives)
            view = a.view.copy() if len(live) == len(a.view) else a.view[live]
            extra = self._extra[g]
            if extra:
                feats = a.features[live]
                if self.minimap_mode and not self.extra_features:
                    feats = feats[:, -2:]
                n, V = view.shape[0], view.shape[1]
                obs = np.empty(view.shape[:3] + (view.shape[3] + extra,), np.float32)
                obs[..., :view.shape[3]] = view
                obs[..., view.shape[3]:] = feats.reshape(n, 1, 1, extra)
                view = obs
            out.update(zip(self._names[g][live].tolist(), view))
        return out


def _magent_battle_blocks(map_size: int):
    """MAgent2 battle_v4's start cells on a side S: a square block per team on a stride-2 lattice,
    3 cells either side of the centre, cells off the map left out, blue cut to red's count."""
    side = int(np.sqrt(map_size * map_size * 0.04)) * 2
    y0, gap, half = (map_size - side) // 2, 3, map_size // 2

    def block(x0):
        return [(x, y) for x in range(x0, x0 + side, 2) for y in range(y0, y0 + side, 2)
                if 0 < x < map_size - 1 and 0 < y < map_size - 1]

    red = block(half - gap - side)
    blue = block(half + gap)[:len(red)]
    if len(blue) < len(red):
        raise ValueError(f"map_size {map_size} is too small for battle_v4's blocks")
    return np.array(red + blue, np.int32)


def make_module(game: str, magent_name: str, default_map: Optional[int], max_cycles_default: int):
    """parallel_env, raw_env and env with MAgent2's signatures for one game."""

    def _check_map(map_size):
        if not isinstance(map_size, (int, np.integer)) or isinstance(map_size, bool):
            raise ValueError(f"map_size must be an integer, got {map_size!r}")
        low = _games.MAGENT_MIN_MAP[game]
        if low is not None and map_size < low:
            raise ValueError(f"map_size {map_size} is too small: {magent_name} needs map_size >= {low}")

    if default_map is not None:
        def parallel_env(map_size=default_map, max_cycles=max_cycles_default, minimap_mode=False,
                         extra_features=False, render_mode=None, seed=None, backend="auto", **reward_args):
            _check_map(map_size)
            return MyriadMagentParallelEnv(game, magent_name, int(map_size), max_cycles, minimap_mode,
                                           extra_features, render_mode, seed, backend, **reward_args)

        def raw_env(map_size=default_map, max_cycles=max_cycles_default, minimap_mode=False,
                    extra_features=False, seed=None, backend="auto", **reward_args):
            return parallel_to_aec_wrapper(parallel_env(map_size, max_cycles, minimap_mode, extra_features,
                                                        seed=seed, backend=backend, **reward_args))
    else:  # gather: MAgent2's map is fixed (200)
        def parallel_env(max_cycles=max_cycles_default, minimap_mode=False, extra_features=False,
                         render_mode=None, seed=None, backend="auto", **reward_args):
            return MyriadMagentParallelEnv(game, magent_name, None, max_cycles, minimap_mode, extra_features,
                                           render_mode, seed, backend, **reward_args)

        def raw_env(max_cycles=max_cycles_default, minimap_mode=False, extra_features=False, seed=None,
                    backend="auto", **reward_args):
            return parallel_to_aec_wrapper(parallel_env(max_cycles, minimap_mode, extra_features, seed=seed,
                                                        backend=backend, **reward_args))

    def env(**kwargs):
        e = raw_env(**kwargs)
        e = wrappers.AssertOutOfBoundsWrapper(e)
        e = wrappers.OrderEnforcingWrapper(e)
        return e

    return parallel_env, raw_env, env
