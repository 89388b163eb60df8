"""`python -m auditledger` runs the command line."""

from auditledger.cli import main

main()
