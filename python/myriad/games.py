"""The six MAgent2 games as Myriad plays them, and their parameters.

Each game takes MAgent2's keyword arguments (``step_reward``, ``tag_penalty``, ...) with MAgent2's
defaults; :func:`overrides` turns them into changes of the engine's agent types and reward rules.
"""
from __future__ import annotations

from typing import Dict, List, Tuple

from . import _myriad

# name -> MAgent2 module name, the reward/env arguments and their defaults (as MAgent2 0.3.4 has them),
# the minimum map side MAgent2 asserts (None: the game has no map_size argument in MAgent2).
_BATTLE_ARGS = dict(step_reward=-0.005, dead_penalty=-0.1, attack_penalty=-0.1, attack_opponent_reward=0.2)
GAME_ARGS: Dict[str, Dict[str, float]] = {
    "battle": dict(_BATTLE_ARGS),
    "battlefield": dict(_BATTLE_ARGS),
    "adversarial_pursuit": dict(tag_penalty=-0.2),
    "gather": dict(step_reward=-0.01, attack_penalty=-0.1, dead_penalty=-1.0, attack_food_reward=0.5),
    "tiger_deer": dict(tiger_step_recover=-0.1, deer_attacked=-0.1),
    "combined_arms": dict(_BATTLE_ARGS),
}
# MAgent2's own minimum map sides (its asserts); gather has no map_size in MAgent2.
MAGENT_MIN_MAP = {"battle": 12, "battlefield": 46, "adversarial_pursuit": 7, "gather": None,
                  "tiger_deer": 10, "combined_arms": 16}

_INFO = {g["name"]: g for g in _myriad.games()}
GAMES: List[str] = list(_INFO)
MAGENT_NAMES = {g["magent_name"]: g["name"] for g in _INFO.values()}


def resolve(scenario: str) -> str:
    """'battle' or MAgent2's 'battle_v4' -> 'battle'; ValueError listing the games otherwise."""
    if scenario in _INFO:
        return scenario
    if scenario in MAGENT_NAMES:
        return MAGENT_NAMES[scenario]
    raise ValueError(f"scenario '{scenario}' is not one of {', '.join(GAMES)} "
                     f"(or MAgent2's {', '.join(MAGENT_NAMES)})")


def info(scenario: str) -> dict:
    return dict(_INFO[resolve(scenario)])


def check_args(scenario: str, params: dict, where: str = "Env") -> Dict[str, float]:
    """MAgent2's arguments of the game with the given ones applied; TypeError for an unknown name."""
    game = resolve(scenario)
    args = dict(GAME_ARGS[game])
    for k, v in params.items():
        if k not in args:
            valid = ", ".join(args)
            raise TypeError(f"{where}: unknown parameter '{k}' for {game}; valid game parameters: {valid}")
        try:
            args[k] = float(v)
        except (TypeError, ValueError):
            raise ValueError(f"{where}: parameter '{k}' must be a number, got {v!r}") from None
    return args


def overrides(scenario: str, args: Dict[str, float]) -> List[Tuple[str, int, int, float]]:
    """(field, group, other group or -1, value) changes of the engine's types and rules."""
    game = resolve(scenario)
    out: List[Tuple[str, int, int, float]] = []
    if game in ("battle", "battlefield", "combined_arms"):
        n = 2 if game != "combined_arms" else 4
        side = [0, 1] if n == 2 else [0, 0, 1, 1]
        for g in range(n):
            out += [("step_reward", g, -1, args["step_reward"]), ("dead_penalty", g, -1, args["dead_penalty"]),
                    ("attack_penalty", g, -1, args["attack_penalty"])]
            for v in range(n):
                if side[g] != side[v]:
                    out.append(("hit", g, v, args["attack_opponent_reward"]))
    elif game == "adversarial_pursuit":
        out.append(("attack_penalty", 0, -1, args["tag_penalty"]))
    elif game == "gather":
        out += [("step_reward", 1, -1, args["step_reward"]), ("attack_penalty", 1, -1, args["attack_penalty"]),
                ("dead_penalty", 1, -1, args["dead_penalty"]), ("hit", 1, 0, args["attack_food_reward"])]
    elif game == "tiger_deer":
        out += [("step_recover", 1, -1, args["tiger_step_recover"]), ("hit_taken", 1, 0, args["deer_attacked"])]
    return out
