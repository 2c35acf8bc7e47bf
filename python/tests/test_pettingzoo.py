"""myriad.magent: PettingZoo's API tests, MAgent2's names/arguments/spaces, and bad input."""
import importlib

import numpy as np
import pytest
from pettingzoo.test import api_test, parallel_api_test

import myriad.magent as mm

MODULES = list(mm.MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_parallel_api(name):
    env = mm.MODULES[name].parallel_env(backend="cpu")
    parallel_api_test(env, num_cycles=60)


@pytest.mark.parametrize("name", ["battle_v4", "adversarial_pursuit_v4", "tiger_deer_v4"])
def test_aec_api(name):
    env = mm.MODULES[name].env(backend="cpu")
    api_test(env, num_cycles=20)


@pytest.mark.parametrize("name", MODULES)
def test_same_agents_and_spaces_as_magent2(name):
    magent = pytest.importorskip(f"magent2.environments.{name}")
    ref = magent.parallel_env()
    env = mm.MODULES[name].parallel_env(backend="cpu")
    ref.reset(seed=0)
    env.reset(seed=0)
    assert env.possible_agents == ref.possible_agents
    assert env.metadata["name"] == ref.metadata["name"] == name
    for a in env.possible_agents[:: max(1, len(env.possible_agents) // 7)]:
        assert env.observation_space(a) == ref.observation_space(a)
        assert env.action_space(a) == ref.action_space(a)
    assert env.state_space == ref.state_space
    assert env.state().shape == ref.state().shape


@pytest.mark.parametrize("kwargs", [dict(minimap_mode=True), dict(extra_features=True),
                                    dict(minimap_mode=True, extra_features=True)])
def test_options_match_magent2_spaces(kwargs):
    magent = pytest.importorskip("magent2.environments.battle_v4")
    ref = magent.parallel_env(map_size=24, **kwargs)
    env = mm.battle_v4.parallel_env(map_size=24, backend="cpu", **kwargs)
    assert env.observation_space("red_0") == ref.observation_space("red_0")
    assert env.state_space == ref.state_space
    obs, _ = env.reset(seed=1)
    assert obs["red_0"].shape == ref.observation_space("red_0").shape


@pytest.mark.parametrize("name", ["battle_v4", "battlefield_v5", "gather_v5", "combined_arms_v6"])
def test_reset_matches_magent2_exactly(name):
    # these games' maps are not random: the first observations and state agree with magent2's
    magent = pytest.importorskip(f"magent2.environments.{name}")
    ref = magent.parallel_env()
    env = mm.MODULES[name].parallel_env(backend="cpu")
    om, _ = ref.reset(seed=0)
    oy, _ = env.reset(seed=0)
    assert list(om) == list(oy)
    for a in om:
        np.testing.assert_array_equal(om[a], oy[a])
    np.testing.assert_array_equal(ref.state(), env.state())


def test_episode_end_and_truncation():
    env = mm.battle_v4.parallel_env(map_size=24, max_cycles=3, backend="cpu")
    obs, _ = env.reset(seed=0)
    for t in range(3):
        obs, rew, term, trunc, _ = env.step({a: 6 for a in env.agents})
    assert all(trunc.values()) and env.agents == []
    with pytest.raises(RuntimeError, match="call reset"):
        env.step({})
    env.reset()
    assert len(env.agents) == len(env.possible_agents)


def test_bad_actions_and_arguments():
    env = mm.battle_v4.parallel_env(backend="cpu")
    env.reset(seed=0)
    with pytest.raises(ValueError, match=r"actions\['red_3'\] = 21 is out of range: red_3's action space is Discrete\(21\)"):
        env.step({"red_3": 21})
    with pytest.raises(ValueError, match="unknown agent 'green_0'"):
        env.step({"green_0": 1})
    with pytest.raises(ValueError, match=r"actions\['red_0'\] must be an integer"):
        env.step({"red_0": 1.5})
    with pytest.raises(TypeError, match="unknown parameter 'tag_penalty' for battle"):
        mm.battle_v4.parallel_env(tag_penalty=0.1)
    with pytest.raises(ValueError, match="battle_v4 needs map_size >= 12"):
        mm.battle_v4.parallel_env(map_size=8)
    with pytest.raises(TypeError):
        mm.gather_v5.parallel_env(map_size=50)  # gather has no map_size, as in MAgent2
    obs, rew, term, trunc, _ = env.step({a: 6 for a in env.agents})  # still usable
    assert len(obs) == 162


def test_game_arguments_are_used():
    env = mm.adversarial_pursuit_v4.parallel_env(tag_penalty=-0.5, backend="cpu")
    env.reset(seed=0)
    # predator action 2 is stay; attacks start after the moves: one attack costs tag_penalty
    n_moves = env._env.group_info("predator")["n_moves"]
    _, rew, _, _, _ = env.step({a: (n_moves if a.startswith("predator") else 4) for a in env.agents})
    assert min(rew[a] for a in rew if a.startswith("predator")) <= -0.5 + 1e-6


@pytest.mark.parametrize("size", [12, 16, 20, 23, 25, 30, 35, 45])
def test_battle_small_maps_place_as_magent2(size):
    # MAgent2 drops block cells off a small map; the drop-in places the same agents at the same cells
    magent = pytest.importorskip("magent2.environments.battle_v4")
    ref = magent.parallel_env(map_size=size)
    env = mm.battle_v4.parallel_env(map_size=size, backend="cpu")
    assert env.possible_agents == ref.possible_agents
    for seed in (0, 1):
        om, _ = ref.reset(seed=seed)
        oy, _ = env.reset(seed=seed)
        assert list(om) == list(oy)
        for a in om:
            np.testing.assert_array_equal(om[a], oy[a])
        np.testing.assert_array_equal(ref.state(), env.state())
    stay = {a: 6 for a in env.agents}
    om, rm, tm, _, _ = ref.step(dict(stay))
    oy, ry, ty, _, _ = env.step(dict(stay))
    for a in om:
        np.testing.assert_allclose(om[a], oy[a], atol=1e-6)
    assert rm == pytest.approx(ry) and tm == ty


def test_render_modes():
    env = mm.battle_v4.parallel_env(render_mode="rgb_array", backend="cpu")
    env.reset(seed=0)
    frame = env.render()
    assert frame.dtype == np.uint8 and frame.shape[2] == 3
    assert mm.battle_v4.parallel_env(backend="cpu").render() is None
    with pytest.raises(ValueError, match="render_mode 'human' is not supported"):
        mm.battle_v4.parallel_env(render_mode="human")
