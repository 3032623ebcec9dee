"""Experiments: replications, paired comparisons, sweeps and the advice built on them.

``experiment`` (replications and paired comparisons under common random numbers), ``executors`` (local process
pool or Dask), ``design`` and ``sweep`` (designs of many points, run resumably), ``sensitivity`` (tornado, Morris,
Sobol), ``advice`` (how many replications, how long a warm-up) and ``validation`` (the model against the evidence).
"""
