"""MAgent2's gather_v5 (magent2.environments.gather_v5), played by Myriad: parallel_env, raw_env, env."""
from ._base import make_module

parallel_env, raw_env, env = make_module("gather", "gather_v5", None, 500)
