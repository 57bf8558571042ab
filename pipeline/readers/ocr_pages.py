"""The scanned pages of one PDF read side by side, one single-threaded Tesseract per core.

A scan of 40 pages read one page after another leaves all cores but one idle;
Tesseract's own OpenMP threads do not help (on a small machine they fight each
other, about 6x slower). So each page is one single-threaded Tesseract job and
pages are spread over worker threads: the work happens in the Tesseract
processes and in NumPy, both outside the GIL. PyMuPDF is not thread-safe, so
pages are rendered in the reading thread, a few pages ahead of the page loop
(bounded memory: at most `AHEAD` rendered pages per worker wait).

In a batch, each worker process gets its share of the cores (`Limits.ocr_threads`):
one when the other workers already fill them, all of them for a lone scan.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor

from pipeline.config import Limits, default_jobs
from pipeline.readers import ocr, page_image

AHEAD = 2  # rendered pages waiting per worker


def workers(limits: Limits) -> int:
    """Threads for one document's scanned pages: its share of the cores, or every core when reading alone."""
    return limits.ocr_threads or default_jobs()


class Prefetch:
    """Pages without a text layer, read by worker threads ahead of the page loop."""

    def __init__(self, pdf, limits: Limits, threads: int | None = None):
        self.pdf = pdf
        self.futures: dict[int, Future] = {}
        self.pool: ThreadPoolExecutor | None = None
        threads = workers(limits) if threads is None else threads
        if not limits.ocr or threads < 2 or ocr.tesseract_languages()[1]:
            return
        self.numbers = []
        for i in range(pdf.page_count):
            try:
                page = pdf[i]
                pixels = page.rect.width * page.rect.height * (page_image.render_dpi(page) / 72) ** 2
                if not page.get_text("text").strip() and pixels <= limits.max_page_pixels:
                    self.numbers.append(i + 1)  # a page over the pixel cap is left to the loop, which says so
            except Exception:  # a broken page is reported by the page loop
                continue
        if len(self.numbers) < 2:
            return
        self.lang = ocr.language(limits)
        self.window = AHEAD * threads
        self.pool = ThreadPoolExecutor(threads, thread_name_prefix="ocr")
        self.next = 0
        self._top_up(0)

    def _top_up(self, number: int) -> None:
        """Render and submit pages up to `window` pages past `number`."""
        while self.next < len(self.numbers) and (self.numbers[self.next] <= number or len(self.futures) < self.window):
            n = self.numbers[self.next]
            self.next += 1
            try:
                image, dpi = page_image.render(self.pdf[n - 1])
            except Exception:  # left to the page loop, which reports it on its page
                continue
            self.futures[n] = self.pool.submit(ocr.read_scan, image, dpi, self.lang, n)

    def take(self, number: int):
        """The page's `ocr.read_scan` result, or None when it is not read ahead (read it in the loop)."""
        if self.pool is None:
            return None
        self._top_up(number)
        future = self.futures.pop(number, None)
        self._top_up(number)
        return None if future is None else future.result()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
