"""MAgent2's battle_v4 (magent2.environments.battle_v4), played by Myriad: parallel_env, raw_env, env."""
from ._base import make_module

parallel_env, raw_env, env = make_module("battle", "battle_v4", 45, 1000)
