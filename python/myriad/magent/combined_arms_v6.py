"""MAgent2's combined_arms_v6 (magent2.environments.combined_arms_v6), played by Myriad: parallel_env, raw_env, env."""
from ._base import make_module

parallel_env, raw_env, env = make_module("combined_arms", "combined_arms_v6", 45, 1000)
