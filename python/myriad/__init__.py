"""Myriad from Python: MAgent2's six games on Myriad's engine (CPU backend, or CUDA where a device
answers).

- ``myriad.Env``: the batched API (whole-group arrays, zero copy; see ``myriad.env``).
- ``myriad.magent``: MAgent2-compatible PettingZoo environments (``myriad.magent.battle_v4.parallel_env``).
"""
from . import _myriad
from .env import DeviceArray, Env, GroupArrays
from .games import GAMES, GAME_ARGS

__version__ = "0.1.0"


def cuda_available() -> bool:
    """A CUDA device answers and this build has code for it."""
    return bool(_myriad.cuda_available())


def cuda_device() -> str:
    """The CUDA device's description ("" without one)."""
    return _myriad.cuda_device()


__all__ = ["Env", "GroupArrays", "DeviceArray", "GAMES", "GAME_ARGS", "cuda_available", "cuda_device"]
