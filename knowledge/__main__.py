"""`python -m knowledge` runs the `mnemo` command line."""

from knowledge.cli import main

main()
