"""MAgent2's battlefield_v5 (magent2.environments.battlefield_v5), played by Myriad: parallel_env, raw_env, env."""
from ._base import make_module

parallel_env, raw_env, env = make_module("battlefield", "battlefield_v5", 80, 1000)
