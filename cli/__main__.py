"""`python -m cli` runs the `mnemo` command line."""

from cli.main import main

main()
