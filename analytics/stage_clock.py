"""CPU time per analysis stage (motion, detection, tracking, skills, transport), for the benchmark
and the maintainer: where the cores go when a site grows."""

import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager


class StageClock:
    """Process CPU seconds spent inside each named stage since the last `take`.

    Process time, not thread time: ONNX Runtime runs a detection on worker threads of its own. In the
    daemon the analysis thread is the only busy one while a stage runs, so the two coincide.
    """

    def __init__(self) -> None:
        self._seconds: Counter[str] = Counter()

    @contextmanager
    def measure(self, stage: str) -> Iterator[None]:
        started = time.process_time()
        try:
            yield
        finally:
            self._seconds[stage] += time.process_time() - started

    def take(self) -> dict[str, float]:
        seconds, self._seconds = dict(self._seconds), Counter()
        return seconds
