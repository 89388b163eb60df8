"""`python -m auditledger` runs the command line."""

from auditledger.memo import main

main()
