"""The local link between the bridge and the analytics daemon: messages, framing, shared frames."""
