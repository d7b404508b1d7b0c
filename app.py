"""gdviz: the frame around every page — navigation and the shared sidebar (see gdviz/ui/frame.py)."""

import os

# One BLAS thread per computation: on a shared server the visitors are the parallelism. OpenBLAS otherwise runs a
# search's matrix products on every core and its threads spin while they wait, taking the CPU from thirty other
# visitors' clicks (bench_load, a class of 30 on 2 cores: p50 0.4-0.5 s instead of 0.9-2.2 s, a third more
# interactions served). Read once, when numpy loads: so before the first import of gdviz.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from gdviz.ui.frame import app_frame  # noqa: E402

app_frame()
