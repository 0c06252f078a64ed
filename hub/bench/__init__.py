"""`hub bench`: the project's own benchmark of a real `hub run` on a real broker; prints one table of figures.

Pure parts (message generation, statistics, the table, the nationwide directory) are separate from the adapters
that drive the broker, the hub process and HTTP, so they are unit-tested without either.
"""
