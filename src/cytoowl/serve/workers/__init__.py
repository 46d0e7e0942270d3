"""Child processes of the server: the query worker pool, the query worker, the launcher of
one-off children (load, counts, catalog), and the limits a child puts on itself."""
