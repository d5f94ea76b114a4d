"""The bridge's side of the daemon link: the connection and the supervision of the daemon."""
