"""MAgent2's adversarial_pursuit_v4 (magent2.environments.adversarial_pursuit_v4), played by Myriad: parallel_env, raw_env, env."""
from ._base import make_module

parallel_env, raw_env, env = make_module("adversarial_pursuit", "adversarial_pursuit_v4", 45, 500)
