"""torch_battle: MAgent's battle game (rules.md) and MF-Q training written in plain vectorised
PyTorch: "the obvious alternative" that benchmarks/compare_pytorch.py measures Myriad against.
world.py holds the state and the rules, learn.py the networks, replay and update."""
