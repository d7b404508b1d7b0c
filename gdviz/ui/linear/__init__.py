"""The classifier pages (pages/linear.py, digits.py, gradient_check.py, random_search.py), as gdviz.linear is the
core's: controls (data and training settings), runs (cached training), views (the linear page's screen, parts the
digits page shares), gradcheck (the gradient check's cached checks and sweeps over h) and search (random search)."""
