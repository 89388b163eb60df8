"""auditledger: a plain-file ledger of audit-found problems and their rectification."""

__version__ = "0.1.0"
