"""`python -m chaoskit` is the `chaoskit` command."""
from chaoskit.cli import main

main()
