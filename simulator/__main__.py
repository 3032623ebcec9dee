"""``python -m simulator``: the same command line as ``paperwork-sim``."""

from simulator.cli import main

# The guard matters: worker processes of --jobs re-import this module and must not start another command line.
if __name__ == "__main__":
    main()
