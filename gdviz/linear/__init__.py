"""Linear classifiers: losses, gradient checks, data sets, training and search for weights."""
