"""`python -m auditledger` runs the command line."""

from auditledger.memo import main

if __name__ == "__main__":  # not again in a worker process that is spawned (loader)
    main()
