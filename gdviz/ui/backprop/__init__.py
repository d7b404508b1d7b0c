"""The backprop page (pages/backprop.py): controls (the circuit or typed expression and its inputs)."""
