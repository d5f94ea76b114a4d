"""CPU time per analysis stage (motion, detection, tracking, skills, transport), for the benchmark
and the maintainer: where the cores go when a site grows."""

import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class StageClock:
    """CPU seconds spent inside each named stage since the last `take`, from any thread.

    Thread time by default: stages run on several threads at once (detections on the detector's
    threads, tracking on the analysis thread), and ONNX Runtime runs each frame on the calling thread
    (one intra-op thread). A caller whose stage runs on threads of a library's own, alone in its
    process, passes `time.process_time`.
    """

    def __init__(self, cpu_time: Callable[[], float] = time.thread_time) -> None:
        self._cpu_time = cpu_time
        self._seconds: defaultdict[str, float] = defaultdict(float)
        self._lock = threading.Lock()

    @contextmanager
    def measure(self, stage: str) -> Iterator[None]:
        started = self._cpu_time()
        try:
            yield
        finally:
            spent = self._cpu_time() - started
            with self._lock:
                self._seconds[stage] += spent

    def take(self) -> dict[str, float]:
        with self._lock:
            seconds, self._seconds = dict(self._seconds), defaultdict(float)
        return seconds
