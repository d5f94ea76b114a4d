"""A fake Genetec Web SDK (contract §8 of the Web SDK notes) for tests and demos, over real HTTP."""
