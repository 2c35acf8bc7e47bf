"""MAgent2's tiger_deer_v4 (magent2.environments.tiger_deer_v4), played by Myriad: parallel_env, raw_env, env."""
from ._base import make_module

parallel_env, raw_env, env = make_module("tiger_deer", "tiger_deer_v4", 45, 300)
