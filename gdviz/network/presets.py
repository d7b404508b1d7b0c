"""The network page's starting settings and its lessons: each lesson one click away, with what to watch.

``DEFAULT`` holds every setting of a run of the page, by the names of gdviz.ui.network.controls'
NetworkSettings (plain values: the page's widgets start from it). A ``Lesson`` changes some of them; the
rest are the defaults. Each "what to watch" quotes numbers of its own run (tests/network/test_presets.py
runs every lesson and checks them), so a change of data, defaults or core that moves them fails there.
"""

from __future__ import annotations

from typing import NamedTuple

DEFAULT: dict = dict(
    dataset="spiral",
    noise=0.2,
    split=0.2,
    features=("x", "y"),
    hidden=(8, 8),
    activation="tanh",
    loss="softmax",
    optimizer="adam",
    hyper={"lr": 0.03},  # TensorFlow Playground's starting rate; the rest torch's defaults
    schedule=None,
    steps=1000,
    batch=0,  # full batch
    reg=0.0,
    seed=0,
)


class Lesson(NamedTuple):
    title: str
    changes: dict  # settings that differ from DEFAULT
    watch: str

    @property
    def settings(self) -> dict:
        return DEFAULT | self.changes


LESSONS: dict[str, Lesson] = {
    "xor_linear": Lesson(
        "XOR with no hidden layer",
        dict(dataset="xor", noise=0.1, hidden=()),
        "A linear model draws one straight border, and no line puts opposite quadrants together: the loss "
        "stalls at 0.69 (ln 2, a coin toss's) and the accuracy at 54 % on the training points, 48 % on the test "
        "points. Then take the next lesson: one hidden layer.",
    ),
    "xor_hidden": Lesson(
        "XOR with one hidden layer of 4",
        dict(dataset="xor", noise=0.1, hidden=(4,)),
        "Each of the 4 tanh neurons turns one straight border into a soft step (their pictures); the output "
        "adds them up into the four quadrants. The loss falls from 0.70 to 0.11, and 94 % of the training and "
        "90 % of the test points come out right.",
    ),
    "spiral_linear": Lesson(
        "Spiral with no hidden layer",
        dict(hidden=()),
        "Three straight borders meeting at a point cannot follow three arms that wind around it: the loss "
        "levels off at 0.72 and 55 % of the training points (48 % of the test points) come out right.",
    ),
    "spiral_hidden": Lesson(
        "Spiral with one hidden layer of 16",
        dict(hidden=(16,)),
        "Sixteen tanh neurons, each a soft step along some line, are enough to bend the borders around the "
        "arms: the loss falls from 1.08 to 0.02, 99 % of the training points and all the test points come out "
        "right.",
    ),
    "big_lr": Lesson(
        "Too large a learning rate",
        dict(optimizer="sgd", hyper={"lr": 5.0}),
        "SGD at lr 5 overshoots: within ten steps the loss jumps from 1.07 to over 12, the tanh neurons "
        "saturate (their pictures turn solid), the gradient through them vanishes, and the network calls every "
        "point one class (33 %) to the end. At lr 0.5 the same network gets over 95 % right.",
    ),
    "dead_relu": Lesson(
        "ReLU neurons that die",
        dict(hidden=(16, 16), activation="relu", optimizer="sgd", hyper={"lr": 2.0}),
        "At lr 2 the first steps push many ReLU neurons to where they output 0 on every training point; "
        "their gradient is then 0 too, so they never come back. By the end 12 of the 16 neurons of layer 1 "
        "and 15 of layer 2 are dead (grey over the data) and the accuracy is 47 %. At lr 0.5: 5 and 2 dead, "
        "97 %.",
    ),
    "overfit": Lesson(
        "Overfitting: a big network on few noisy points",
        dict(dataset="circles", split=0.5, hidden=(16, 16)),
        "Two layers of 16 on 150 noisy training points: the border winds around single points, 99 % of the "
        "training points come out right but only 77 % of the test points, and the test loss climbs while the "
        "training loss falls. Then take the next lesson: the same with regularization.",
    ),
    "regularized": Lesson(
        "Regularization smooths the border",
        dict(dataset="circles", split=0.5, hidden=(16, 16), reg=0.003),
        "reg = 0.003 makes large weights cost: the border becomes one smooth ring, 85 % of the training points "
        "come out right (fewer than without) but 90 % of the test points (more), and the test loss stays by "
        "the training loss (0.386 against 0.382).",
    ),
}
