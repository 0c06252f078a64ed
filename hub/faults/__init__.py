"""`hub faults`: the fault suite. Under a steady load of trade notifications it kills the worker with -9, restarts
the broker and takes a webhook recipient down, then counts at the recipients what was lost or given twice and checks
every case timeline; prints one table and exits non-zero on any loss, duplicate or repeated step.

Pure parts (the fault schedule, the counting, the table) are separate from the adapters that drive the broker, the
hub process, HTTP and the recipient server, so they are unit-tested without either.
"""
