"""The workbench (`auditledger serve`): the ledger in a local browser, and the everyday changes.

Another face of the same functions the command line calls: pages read through the loader and
the as-of view, forms change through `edits` and `workflow`. Its page templates and style sheet
are in `web/templates` and `web/static`. May import anything but `cli`.
"""
