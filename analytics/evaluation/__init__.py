"""Accuracy of an offline run: tracks against MOTChallenge ground truth, events against reference events."""
