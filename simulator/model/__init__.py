"""The SimPy model of the agency. ``simulate`` is the one entry point."""

from simulator.model.agency import simulate

__all__ = ["simulate"]
