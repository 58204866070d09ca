"""`python -m notegraph` runs the command-line interface."""

from notegraph.cli import main

if __name__ == "__main__":
    main()
