"""MAgent2's games as PettingZoo environments played by Myriad: the same module names, versions,
arguments, agent names, spaces and state() as ``magent2.environments``; ``backend="auto"|"cpu"|"cuda"``
is the one extra argument. ``from myriad.magent import battle_v4; env = battle_v4.parallel_env()``."""
from . import (adversarial_pursuit_v4, battle_v4, battlefield_v5, combined_arms_v6, gather_v5,
               tiger_deer_v4)
from ._base import MyriadMagentParallelEnv

MODULES = {"battle_v4": battle_v4, "battlefield_v5": battlefield_v5,
           "adversarial_pursuit_v4": adversarial_pursuit_v4, "gather_v5": gather_v5,
           "tiger_deer_v4": tiger_deer_v4, "combined_arms_v6": combined_arms_v6}

__all__ = list(MODULES) + ["MyriadMagentParallelEnv", "MODULES"]
