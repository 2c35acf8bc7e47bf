"""myriad.Env: the batched API. One Myriad world; every step takes one action array per group and hands
back whole-group arrays that view the engine's own buffers (no copy).

Validity: the arrays returned by ``reset``/``step`` (and ``Env.groups``) are views of the world's
buffers. They stay valid as long as the Env lives, but their *contents* are overwritten by the next
``step`` or ``reset``: copy what you keep (``arr.copy()``, ``torch.tensor(arr)``).
"""
from __future__ import annotations

from typing import Dict, Mapping, Optional, Sequence, Union

import numpy as np

from . import _myriad
from . import games as _games


class DeviceArray:
    """A CUDA array of the engine (CUDA backend): exports ``__dlpack__`` / ``__dlpack_device__``
    (``torch.from_dlpack``, ``jax.dlpack.from_dlpack``, ``cupy.from_dlpack``) and
    ``__cuda_array_interface__`` (CuPy, Numba), both pointing at the world's device memory."""

    __slots__ = ("_nd", "_ptr", "shape", "strides", "dtype", "_owner")

    def __init__(self, nd, ptr: int, shape, strides_elems, dtype, owner):
        self._nd = nd
        self._ptr = int(ptr)
        self.shape = tuple(int(s) for s in shape)
        self.dtype = np.dtype(dtype)
        self.strides = tuple(int(s) * self.dtype.itemsize for s in strides_elems)
        self._owner = owner

    def __dlpack__(self, *args, **kwargs):
        return self._nd.__dlpack__(*args, **kwargs)

    def __dlpack_device__(self):
        return self._nd.__dlpack_device__()

    @property
    def __cuda_array_interface__(self):
        # The engine's stream has finished the step when step() returns (it waits for the step's
        # statistics), so no stream needs to be named.
        return {"shape": self.shape, "typestr": self.dtype.str, "data": (self._ptr, False),
                "strides": self.strides, "version": 3}

    def __repr__(self):
        return f"DeviceArray(shape={self.shape}, dtype={self.dtype}, device=cuda)"


class GroupArrays:
    """One group's per-agent arrays, shape [agents, ...], in agent order (``name_0``, ``name_1``, ...):

    - ``view``: [n, V, V, C] float32, the observation window (MAgent2's layout)
    - ``features``: [n, F] float32 (id embedding, last action one-hot, last reward[, x/W, y/H])
    - ``mean_action``: [n, K] float32, mean action of the neighbours (zeros with mean_action="off")
    - ``reward``: [n] float32, reward of the step just played
    - ``alive``: [n] bool; ``died``: [n] bool, died in the step just played
    """

    __slots__ = ("name", "view", "features", "mean_action", "reward", "alive", "died")

    def __init__(self, name, d):
        self.name = name
        for k in ("view", "features", "mean_action", "reward", "alive", "died"):
            setattr(self, k, d[k])

    def __repr__(self):
        return f"GroupArrays({self.name!r}, view={tuple(self.view.shape)}, agents={self.reward.shape[0]})"


ActionsArg = Union[Mapping[str, object], Sequence[object]]


class Env:
    """A Myriad world with the batched API.

    ``Env(scenario, backend="auto", seed=0, map_size=None, agents=None, agents_per_team=None,
    max_cycles=None, minimap_mode=False, mean_action="radius", mean_radius=6.0, placement="default",
    **game_params)``: ``scenario`` is one of :data:`myriad.GAMES` (or MAgent2's name such as
    ``battle_v4``); ``game_params`` are MAgent2's arguments of that game (``step_reward=...``).
    """

    def __init__(self, scenario: str = "battle", backend: str = "auto", seed: int = 0, *,
                 map_size: Optional[int] = None, agents: Optional[int] = None,
                 agents_per_team: Optional[int] = None, max_cycles: Optional[int] = None,
                 minimap_mode: bool = False, mean_action: str = "radius", mean_radius: float = 6.0,
                 placement: str = "default", _counts=None, _walls=None, _observe_passive: bool = False,
                 **game_params):
        # _counts (agents per group), _walls ([k, 2] interior wall cells) and _observe_passive: the
        # explicit layouts of the MAgent2 comparison (tests); not part of the public API.
        self.scenario = _games.resolve(scenario)
        args = _games.check_args(self.scenario, game_params, "Env")
        if backend not in ("auto", "cpu", "cuda"):
            raise ValueError(f"backend '{backend}' is not one of auto, cpu, cuda")
        for name, v in (("map_size", map_size), ("agents", agents), ("agents_per_team", agents_per_team),
                        ("max_cycles", max_cycles)):
            if v is not None and (not isinstance(v, (int, np.integer)) or isinstance(v, bool) or v <= 0):
                raise ValueError(f"{name} must be a positive integer, got {v!r}")
        self._seed = int(seed)
        self._world = _myriad.World(
            self.scenario, backend, int(map_size or 0), int(agents or 0), int(agents_per_team or 0),
            int(max_cycles or 0), bool(minimap_mode), mean_action, float(mean_radius), placement,
            bool(_observe_passive), _games.overrides(self.scenario, args),
            [int(c) for c in _counts] if _counts is not None else [],
            np.ascontiguousarray(np.asarray(_walls, dtype=np.int32).reshape(-1, 2)) if _walls is not None else None)
        self.game_params = args
        self._info = self._world.group_info()
        self.group_names = [g["name"] for g in self._info]
        self.acting_groups = [g["name"] for g in self._info if g["acts"]]
        self._index = {n: i for i, n in enumerate(self.group_names)}
        self._arrays: Dict[str, GroupArrays] = {}
        self._started = False
        self._episode = 0
        self._host_cache = None
        self._bind()

    # -- description ---------------------------------------------------------------------------------
    @property
    def backend(self) -> str:
        return self._world.backend

    @property
    def map_size(self) -> int:
        return self._world.width

    @property
    def max_cycles(self) -> int:
        return self._world.max_steps

    @property
    def n_agents(self) -> int:
        return self._world.n_agents

    @property
    def groups(self) -> Dict[str, GroupArrays]:
        """The per-group arrays (the same objects reset/step return)."""
        return self._arrays

    def host_groups(self, copy: bool = False) -> Dict[str, GroupArrays]:
        """The per-group arrays as NumPy arrays on the host: on the CPU backend the views themselves
        (no copy, unless copy=True); on CUDA one device-to-host copy of each array, made once per step and
        kept until the next step or reset (for per-agent consumers such as the PettingZoo drop-ins)."""
        if not self._world.on_device and not copy:
            return self._arrays
        key = (self._episode, self._world.step_index)
        if self._host_cache is None or self._host_cache[0] != key:
            out = {}
            for g, name in enumerate(self.group_names):
                d = self._world.host_copy(g)
                info = self._info[g]
                n, V, C = info["count"], info["view_side"], info["channels"]
                d["view"] = d["view"].reshape(n, -1)[:, :V * V * C].reshape(n, V, V, C)
                d["features"] = d["features"].reshape(n, info["n_features"])
                d["mean_action"] = d["mean_action"].reshape(n, -1)
                d["alive"] = d["alive"].view(np.bool_)
                d["died"] = d["died"].view(np.bool_)
                for a in d.values():
                    a.flags.writeable = False
                out[name] = GroupArrays(name, d)
            self._host_cache = (key, out)
        return self._host_cache[1]

    _host_groups_impl = host_groups

    def group_info(self, group: str) -> dict:
        """count, view_side, channels, n_features, n_actions, acts, ... of a group."""
        return dict(self._info[self._group_index(group)])

    def observation_shape(self, group: str):
        g = self._info[self._group_index(group)]
        return (g["view_side"], g["view_side"], g["channels"])

    def n_actions(self, group: str) -> int:
        return self._info[self._group_index(group)]["n_actions"]

    @property
    def step_count(self) -> int:
        return self._world.step_index

    @property
    def done(self) -> bool:
        """The episode ended: a group has no agents left (terminated) or max_cycles was reached."""
        return self._world.done or self._world.truncated

    @property
    def terminated(self) -> bool:
        return self._world.done

    @property
    def truncated(self) -> bool:
        return self._world.truncated

    @property
    def stats(self) -> dict:
        """Per-group alive, deaths, kills, hits and summed reward of the last step (lists in group order)."""
        return self._world.stats()

    def render(self, max_side: int = 1024):
        """An RGB picture of the current state, [height, width, 3] uint8 (a copy): walls grey, each group
        in its colour shaded by hp; the map enlarged (or max-pooled) to at most max_side pixels a side."""
        if not isinstance(max_side, (int, np.integer)) or max_side < 1:
            raise ValueError(f"max_side must be a positive integer, got {max_side!r}")
        return self._world.render(int(max_side))

    def state_snapshot(self) -> dict:
        """Host copies of x, y, hp, alive, group (per agent slot) and the wall grid [H, W]."""
        return self._world.snapshot()

    # -- episode -------------------------------------------------------------------------------------
    def reset(self, seed: Optional[int] = None, positions=None) -> Dict[str, GroupArrays]:
        """Starts an episode (the game's map and placement; ``positions``: [agents, 2] int (x, y) anchors
        in group order instead). Returns the per-group arrays (views: see the module doc)."""
        if seed is not None:
            if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
                raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
            self._seed = int(seed)
        if positions is None:
            self._world.reset(self._seed)
        else:
            pos = np.ascontiguousarray(positions, dtype=np.int32)
            if pos.ndim != 2 or pos.shape != (self.n_agents, 2):
                raise ValueError(f"positions must have shape ({self.n_agents}, 2), got {tuple(pos.shape)}")
            self._world.reset_positions(self._seed, pos)
        self._seed += 1  # the next reset without a seed plays another episode
        self._started = True
        self._episode += 1
        return self._arrays

    def step(self, actions: ActionsArg, policies: Optional[Mapping[str, str]] = None) -> Dict[str, GroupArrays]:
        """Plays one step. ``actions``: {group: int array [agents]} or a sequence in the order of
        ``acting_groups``; ``policies``: {group: "random" | "noop" | "scripted"} for groups the engine
        plays itself (no Python involved). Every acting group needs an array or a policy. Returns the
        per-group arrays (views, overwritten by the next step)."""
        if not self._started:
            raise RuntimeError("step: call reset() before the first step")
        G = len(self.group_names)
        arrays = [None] * G
        pols = [""] * G
        if policies:
            if not isinstance(policies, Mapping):
                raise TypeError("policies must be a dict {group: 'random' | 'noop' | 'scripted'}")
            for name, p in policies.items():
                g = self._group_index(name, "policies")
                if not self._info[g]["acts"]:
                    raise ValueError(f"policies: group '{name}' never acts; acting groups: {', '.join(self.acting_groups)}")
                if p not in ("random", "noop", "scripted"):
                    raise ValueError(f"policies['{name}'] = {p!r} is not one of random, noop, scripted")
                pols[g] = p
        if isinstance(actions, Mapping):
            items = list(actions.items())
        elif actions is None:
            items = []
        else:
            try:
                seq = list(actions)
            except TypeError:
                raise TypeError("actions must be a dict {group: int array} or a list of arrays in the order "
                                f"of acting_groups ({', '.join(self.acting_groups)})") from None
            if len(seq) != len(self.acting_groups):
                raise ValueError(f"actions: {len(seq)} arrays for the {len(self.acting_groups)} acting groups "
                                 f"({', '.join(self.acting_groups)})")
            items = list(zip(self.acting_groups, seq))
        for name, a in items:
            g = self._group_index(name, "actions")
            if not self._info[g]["acts"]:
                raise ValueError(f"actions: group '{name}' never acts; acting groups: {', '.join(self.acting_groups)}")
            arrays[g] = _as_action_array(a, name, self._info[g]["count"])
        for g, info in enumerate(self._info):
            if info["acts"] and arrays[g] is None and not pols[g]:
                raise ValueError(f"actions: no array for group '{info['name']}' (give one, or a policy for it)")
        self._world.step(arrays, pols)
        return self._arrays

    # -- internals -----------------------------------------------------------------------------------
    def _group_index(self, name, what="group") -> int:
        if name not in self._index:
            raise ValueError(f"{what}: unknown group {name!r}; this game's groups: {', '.join(self.group_names)}")
        return self._index[name]

    def _bind(self):
        for g, name in enumerate(self.group_names):
            d = self._world.arrays(g)
            if self._world.on_device:
                ptr = d["pointers"]
                n, info = self._info[g]["count"], self._info[g]
                V, C = info["view_side"], info["channels"]
                specs = {
                    "view": ((n, V, V, C), (ptr["view_row_stride"], V * C, C, 1), np.float32),
                    "features": ((n, info["n_features"]), (info["n_features"], 1), np.float32),
                    "mean_action": ((n, self._world.k_stride), (self._world.k_stride, 1), np.float32),
                    "reward": ((n,), (1,), np.float32),
                    "alive": ((n,), (1,), np.bool_),
                    "died": ((n,), (1,), np.bool_),
                }
                d = {k: DeviceArray(d[k], ptr[k], s, st, dt, self) for k, (s, st, dt) in specs.items()}
            self._arrays[name] = GroupArrays(name, d)

    def __repr__(self):
        groups = ", ".join(f"{g['name']} {g['count']}" for g in self._info)
        return f"myriad.Env({self.scenario!r}, backend={self.backend!r}, map_size={self.map_size}, {groups})"


def _as_action_array(a, name: str, count: int):
    """A 1-D integer array the binding takes (NumPy, or anything with __dlpack__ such as a torch
    tensor); ValueError naming the group and what is valid otherwise. The range is checked in C++."""
    if not hasattr(a, "__dlpack__"):
        a = np.asarray(a)
    if isinstance(a, np.ndarray):
        if a.dtype.kind not in "iu":
            raise ValueError(f"actions['{name}'] must be an integer array (int8-int64 or uint8-uint64), "
                             f"got {a.dtype}")
    shape = tuple(getattr(a, "shape", ()))
    if len(shape) != 1:
        raise ValueError(f"actions['{name}'] must have shape ({count},) (one action per {name} agent), "
                         f"got {shape}")
    return a
