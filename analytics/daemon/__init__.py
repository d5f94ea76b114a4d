"""The analytics daemon: frames in through shared memory, analytics events out over a local socket."""
