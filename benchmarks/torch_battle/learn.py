"""learn.py: the shared per-team Q-network, Boltzmann selection, the device replay ring and the
MF-Q update (algorithms.md), in plain PyTorch (nn.Linear, torch.optim.Adam, autocast)."""
import contextlib

import torch
from torch import nn

from .world import IN_DIM, N_ACTIONS, N_FEAT, OBS_DIM

GAMMA, TARGET_T, TAU, LR, CLIP = 0.95, 0.1, 0.005, 1e-4, 10.0


def make_mlp(device):
    return nn.Sequential(nn.Linear(IN_DIM, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(),
                         nn.Linear(64, N_ACTIONS)).to(device)


def autocast(device, bf16):
    if bf16:
        return torch.autocast(device_type=torch.device(device).type, dtype=torch.bfloat16)
    return contextlib.nullcontext()


def q_input(view, feat, mean, dt=None):
    """The network input [n, 898]: view (845), features (32), mean action (21), in dtype dt
    (default: the view's)."""
    dt = dt or view.dtype
    return torch.cat([view.to(dt), feat.to(dt), mean.to(dt)], 1)


def boltzmann(q, temperature, gen):
    """Samples softmax(q / T) per row by the Gumbel-max trick."""
    u = torch.rand(q.shape, generator=gen, device=q.device).clamp_(min=1e-20)
    return torch.argmax(q.float() / temperature - torch.log(-torch.log(u)), 1)


class Replay:
    """A ring of transitions on the device: o, o' as bf16 views, features and mean actions as
    bf16, the action and done as uint8, the reward as float32."""

    def __init__(self, capacity, device):
        self.cap, self.size, self.ptr = capacity, 0, 0
        z = lambda *s, dt=torch.bfloat16: torch.zeros(*s, dtype=dt, device=device)
        self.o, self.o2 = z(capacity, OBS_DIM), z(capacity, OBS_DIM)
        self.f, self.f2 = z(capacity, N_FEAT), z(capacity, N_FEAT)
        self.m, self.m2 = z(capacity, N_ACTIONS), z(capacity, N_ACTIONS)
        self.a, self.d = z(capacity, dt=torch.uint8), z(capacity, dt=torch.uint8)
        self.r = z(capacity, dt=torch.float32)

    def nbytes(self):
        return sum(t.numel() * t.element_size() for t in
                   (self.o, self.o2, self.f, self.f2, self.m, self.m2, self.a, self.d, self.r))

    def write(self, o, f, m, a, r, d, o2, f2, m2):
        k = o.shape[0]
        if k == 0:
            return
        idx = (self.ptr + torch.arange(k, device=o.device)) % self.cap
        for dst, src in ((self.o, o), (self.f, f), (self.m, m), (self.a, a), (self.r, r), (self.d, d),
                         (self.o2, o2), (self.f2, f2), (self.m2, m2)):
            dst[idx] = src.to(dst.dtype)
        self.ptr = (self.ptr + k) % self.cap
        self.size = min(self.cap, self.size + k)

    def sample(self, batch, gen):
        i = torch.randint(0, self.size, (batch,), generator=gen, device=self.o.device)
        return (self.o[i], self.f[i], self.m[i], self.a[i].long(), self.r[i], self.d[i].float(),
                self.o2[i], self.f2[i], self.m2[i])


class Learner:
    """One team's online network θ, target θ⁻ and Adam (fused on CUDA)."""

    def __init__(self, net, device, bf16):
        self.net, self.bf16, self.device = net, bf16, device
        self.tgt = make_mlp(device)
        self.tgt.load_state_dict(net.state_dict())
        self.tgt.requires_grad_(False)
        fused = torch.device(device).type == "cuda"
        self.opt = torch.optim.Adam(net.parameters(), lr=LR, betas=(0.9, 0.999), eps=1e-8, fused=fused)
        self.params, self.tparams = list(net.parameters()), list(self.tgt.parameters())

    def update(self, batch):
        o, f, m, a, r, d, o2, f2, m2 = batch
        dt = torch.bfloat16 if self.bf16 else torch.float32
        with autocast(self.device, self.bf16):
            with torch.no_grad():
                q2 = self.tgt(q_input(o2, f2, m2, dt)).float()
                v = (torch.softmax(q2 / TARGET_T, 1) * q2).sum(1)
                y = r + GAMMA * (1.0 - d) * v
            q = self.net(q_input(o, f, m, dt)).float().gather(1, a[:, None]).squeeze(1)
            loss = torch.mean((y - q) ** 2)
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.params, CLIP)
        self.opt.step()
        with torch.no_grad():
            torch._foreach_lerp_(self.tparams, self.params, TAU)  # θ⁻ ← (1-τ)θ⁻ + τθ
        return loss.detach()
