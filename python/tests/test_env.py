"""The batched API: shapes, zero copy, every game, determinism and bad input."""
import numpy as np
import pytest

import myriad


def random_actions(env, rng):
    return {g: rng.integers(0, env.n_actions(g), env.group_info(g)["count"]) for g in env.acting_groups}


def test_battle_shapes_and_zero_copy():
    env = myriad.Env("battle", backend="cpu", seed=0)
    out = env.reset()
    assert env.group_names == ["red", "blue"]
    red = out["red"]
    assert red.view.shape == (81, 13, 13, 5) and red.view.dtype == np.float32
    assert red.features.shape == (81, 32)
    assert red.mean_action.shape[0] == 81
    assert red.reward.shape == (81,) and red.alive.dtype == np.bool_ and red.alive.all()
    ptr = red.view.__array_interface__["data"][0]
    rng = np.random.default_rng(0)
    out2 = env.step(random_actions(env, rng))
    # The same buffers, not copies: the arrays of reset see the step's values.
    assert out2["red"] is red
    assert red.view.__array_interface__["data"][0] == ptr
    assert not red.view.flags.owndata and not red.view.flags.writeable
    before = red.view.copy()
    for _ in range(5):
        env.step(random_actions(env, rng))
    assert not np.array_equal(before, red.view) or True  # contents change in place (may be equal by chance)
    assert env.step_count == 6


def test_observation_matches_engine_layout():
    env = myriad.Env("battle", backend="cpu", seed=3)
    out = env.reset()
    red = out["red"]
    # own presence channel (1) is 1 at the centre of every living agent's window
    c = red.view.shape[1] // 2
    assert np.all(red.view[:, c, c, 1] == 1.0)
    # wall/border channel is 0/1
    assert set(np.unique(red.view[..., 0])) <= {0.0, 1.0}


@pytest.mark.parametrize("game", myriad.GAMES)
def test_every_game_runs(game):
    env = myriad.Env(game, backend="cpu", seed=1)
    out = env.reset()
    assert set(out) == set(env.group_names)
    rng = np.random.default_rng(1)
    for _ in range(5):
        out = env.step(random_actions(env, rng))
    for g in env.group_names:
        info = env.group_info(g)
        assert out[g].view.shape == (info["count"],) + env.observation_shape(g)
        assert np.isfinite(out[g].reward).all()
    assert env.step_count == 5


def test_policies_and_determinism():
    def run(seed):
        env = myriad.Env("battle", backend="cpu", seed=seed, map_size=32)
        env.reset()
        total = 0.0
        for _ in range(20):
            out = env.step({"red": np.zeros(env.group_info("red")["count"], np.int64)}, policies={"blue": "scripted"})
            total += float(out["red"].reward.sum() + out["blue"].reward.sum())
        return total, out["blue"].view.copy()

    a, va = run(5)
    b, vb = run(5)
    assert a == b and np.array_equal(va, vb)


def test_game_params_change_rewards():
    env = myriad.Env("battle", backend="cpu", seed=0, step_reward=-1.0, attack_penalty=0.0)
    env.reset()
    out = env.step({"red": np.zeros(81, np.int8), "blue": np.zeros(81, np.int8)})
    # action 0 is a move: every agent gets exactly the step reward
    assert np.allclose(out["red"].reward, -1.0)


def test_truncation_and_step_after_end():
    env = myriad.Env("battle", backend="cpu", seed=0, max_cycles=3)
    env.reset()
    for _ in range(3):
        env.step({}, policies={"red": "random", "blue": "random"})
    assert env.truncated and env.done
    with pytest.raises(RuntimeError, match="call reset"):
        env.step({}, policies={"red": "random", "blue": "random"})
    env.reset()
    env.step({}, policies={"red": "random", "blue": "random"})
    assert env.step_count == 1


def test_reset_positions():
    env = myriad.Env("battle", backend="cpu", map_size=20, agents_per_team=2)
    pos = [(3, 3), (3, 5), (10, 10), (12, 12)]
    env.reset(seed=0, positions=pos)
    snap = env.state_snapshot()
    assert list(snap["x"]) == [3, 3, 10, 12] and list(snap["y"]) == [3, 5, 10, 12]


class TestBadInput:
    @pytest.fixture
    def env(self):
        env = myriad.Env("battle", backend="cpu", seed=0)
        env.reset()
        return env

    def ok(self, env):  # the env is still usable after a refused call
        env.step({"red": np.zeros(81, np.int32), "blue": np.zeros(81, np.int32)})

    def test_wrong_length(self, env):
        with pytest.raises(ValueError, match=r"actions\['red'\] must have shape \(81,\)"):
            env.step({"red": np.zeros(80, np.int32), "blue": np.zeros(81, np.int32)})
        self.ok(env)

    def test_wrong_ndim(self, env):
        with pytest.raises(ValueError, match=r"actions\['blue'\] must have shape \(81,\)"):
            env.step({"red": np.zeros(81, np.int32), "blue": np.zeros((81, 1), np.int32)})
        self.ok(env)

    def test_wrong_dtype(self, env):
        with pytest.raises(ValueError, match="must be an integer array"):
            env.step({"red": np.zeros(81, np.float32), "blue": np.zeros(81, np.int32)})
        with pytest.raises(ValueError, match="must be an integer array"):
            env.step({"red": np.zeros(81, bool), "blue": np.zeros(81, np.int32)})
        self.ok(env)

    @pytest.mark.parametrize("bad", [21, -1, 255, 1 << 40])
    def test_out_of_range(self, env, bad):
        a = np.zeros(81, np.int64)
        a[7] = bad
        with pytest.raises(ValueError, match=r"actions\['red'\]\[7\] = .* is out of range: red actions are 0-20"):
            env.step({"red": a, "blue": np.zeros(81, np.int32)})
        self.ok(env)

    def test_unsigned_and_small_types(self, env):
        env.step({"red": np.full(81, 20, np.uint8), "blue": np.full(81, 3, np.int16)})
        env.step([np.zeros(81, np.uint64), np.zeros(81, np.uint32)])

    def test_missing_and_unknown_groups(self, env):
        with pytest.raises(ValueError, match="no array for group 'blue'"):
            env.step({"red": np.zeros(81, np.int32)})
        with pytest.raises(ValueError, match="unknown group 'green'"):
            env.step({"green": np.zeros(81, np.int32)})
        with pytest.raises(ValueError, match="2 acting groups"):
            env.step([np.zeros(81, np.int32)])
        with pytest.raises(ValueError, match="policies\\['blue'\\] = 'smart' is not one of"):
            env.step({"red": np.zeros(81, np.int32)}, policies={"blue": "smart"})
        self.ok(env)

    def test_step_before_reset(self):
        env = myriad.Env("battle", backend="cpu")
        with pytest.raises(RuntimeError, match="reset"):
            env.step({"red": np.zeros(81, np.int32), "blue": np.zeros(81, np.int32)})

    def test_unknown_parameter(self):
        with pytest.raises(TypeError, match="unknown parameter 'tag_penalty' for battle; valid game parameters: step_reward"):
            myriad.Env("battle", tag_penalty=1.0)
        with pytest.raises(ValueError, match="scenario 'chess' is not one of battle"):
            myriad.Env("chess")
        with pytest.raises(ValueError, match="backend 'tpu' is not one of auto, cpu, cuda"):
            myriad.Env("battle", backend="tpu")
        with pytest.raises(ValueError, match="map_size must be a positive integer"):
            myriad.Env("battle", map_size=-3)

    def test_engine_errors_arrive_as_python_exceptions(self):
        # the engine's own one-line message (map too small for the teams)
        with pytest.raises(ValueError, match="map_size|agents_per_team"):
            myriad.Env("battle", backend="cpu", map_size=5, agents_per_team=1000)

    def test_bad_positions(self):
        env = myriad.Env("battle", backend="cpu", map_size=20, agents_per_team=2)
        with pytest.raises(ValueError, match=r"positions must have shape \(4, 2\)"):
            env.reset(positions=[(1, 1)])
        with pytest.raises(ValueError):
            env.reset(positions=[(0, 0), (3, 5), (10, 10), (12, 12)])  # (0, 0) is the border wall
        env.reset(positions=[(3, 3), (3, 5), (10, 10), (12, 12)])


def test_cuda_backend_without_device_is_an_error():
    if myriad.cuda_available():
        pytest.skip("a CUDA device answers")
    with pytest.raises(RuntimeError, match="(?i)cuda"):
        myriad.Env("battle", backend="cuda")
    assert myriad.Env("battle", backend="auto").backend == "cpu"


def test_cuda_dlpack_zero_copy():
    if not myriad.cuda_available():
        pytest.skip("no CUDA device")
    torch = pytest.importorskip("torch")
    env = myriad.Env("battle", backend="cuda", seed=0)
    out = env.reset()
    red = out["red"]
    assert isinstance(red.view, myriad.DeviceArray)
    t = torch.from_dlpack(red.view)
    assert t.is_cuda and tuple(t.shape) == (81, 13, 13, 5)
    assert red.view.__cuda_array_interface__["data"][0] == t.data_ptr()
    actions = torch.zeros(81, dtype=torch.int64, device="cuda")
    env.step({"red": actions, "blue": actions})
    # the tensor views the world's buffer: it sees the step's observation
    cpu = myriad.Env("battle", backend="cpu", seed=0)
    cpu.reset()
    cpu.step({"red": np.zeros(81, np.int64), "blue": np.zeros(81, np.int64)})
    assert np.array_equal(t.cpu().numpy(), cpu.groups["red"].view)
    assert np.array_equal(torch.from_dlpack(out["blue"].reward).cpu().numpy(), cpu.groups["blue"].reward)


def test_render():
    env = myriad.Env("battle", backend="cpu", seed=0)
    env.reset()
    img = env.render(max_side=360)
    assert img.dtype == np.uint8 and img.ndim == 3 and img.shape[2] == 3 and max(img.shape[:2]) <= 360
    assert len(np.unique(img.reshape(-1, 3), axis=0)) >= 3  # empty, wall, red, blue
    with pytest.raises(ValueError, match="max_side"):
        env.render(max_side=0)


def test_torch_from_dlpack_shares_cpu_buffers():
    torch = pytest.importorskip("torch")
    env = myriad.Env("battle", backend="cpu", seed=0)
    out = env.reset()
    t = torch.from_dlpack(out["red"].view)
    assert t.data_ptr() == out["red"].view.__array_interface__["data"][0]
    env.step({"red": torch.full((81,), 6, dtype=torch.int64), "blue": np.full(81, 6)})  # torch actions too
    assert torch.equal(t, torch.from_numpy(out["red"].view.copy()))


@pytest.mark.parametrize("game", ["battle", "adversarial_pursuit", "gather"])
def test_host_copies_equal_the_views(game):
    # the CUDA backend's host path (one copy per array), exercised on the CPU backend
    env = myriad.Env(game, backend="cpu", seed=2, minimap_mode=True)
    env.reset()
    env.step({}, policies={g: "random" for g in env.acting_groups})
    copies = env.host_groups(copy=True)
    assert copies is env.host_groups(copy=True)  # one copy per step
    for g, a in env.groups.items():
        c = copies[g]
        for k in ("view", "features", "mean_action", "reward", "alive", "died"):
            x, y = getattr(a, k), getattr(c, k)
            assert x.shape == y.shape and x.dtype == y.dtype and np.array_equal(x, y), (g, k)
            assert not np.shares_memory(x, y)
    env.step({}, policies={g: "random" for g in env.acting_groups})
    assert env.host_groups(copy=True) is not copies
