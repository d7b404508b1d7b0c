"""The network page (pages/network.py): controls (its settings and lessons), runs (cached training and the stage's
pictures), views (its screen), backprop (one example's forward and backward pass, step by step) and exports."""
