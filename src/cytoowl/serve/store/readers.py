"""Readers of a store for files built from its data (the catalog of search and browse).

A reader is called with a SELECT (prefixes included) and the ORDER BY that makes its pages
stable, and yields rows indexable by variable name. :class:`WholeReader` reads a local
pyoxigraph store in one streaming pass; :class:`PagedReader` reads a store that caps its
answers (a remote endpoint) page by page. Both stop after ``MAX_ROWS`` rows in all and say so
(``truncated``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from cytoowl.serve.errors import ServeError

log = logging.getLogger("cytoowl.catalog")

#: A reader: (query, ORDER BY) -> rows, each row indexable by variable name.
Read = Callable[[str, str], Iterable[Any]]
#: Writes a file derived from the data (its path) from a reader, in a child for a local store.
Build = Callable[[Path, Read], None]
MAX_ROWS = 2_000_000
TOO_LARGE = 507  # the store's answer-size cap (ServeError status)
PAGE = 10_000


class PagedReader:
    """Paged SELECTs (ORDER BY makes pages stable; each page is under the row cap), for a
    store that caps its answers; ``select`` is the store's async SELECT."""

    def __init__(self, select: Callable[[str], Awaitable[list]], row_limit: int, loop: Any) -> None:
        self.select, self.loop = select, loop
        self.page = max(1, min(PAGE, row_limit))
        self.rows = 0
        self.truncated = False

    def __call__(self, query: str, order: str) -> list:
        """From a worker thread: the rows, read on the event loop."""
        return asyncio.run_coroutine_threadsafe(self.rows_of(query, order), self.loop).result()

    async def rows_of(self, query: str, order: str) -> list:
        out: list = []
        offset = 0
        while self.rows < MAX_ROWS:
            text = f"{query} ORDER BY {order} LIMIT {self.page} OFFSET {offset}"
            try:
                batch = await self.select(text)
            except ServeError as e:
                if e.status != TOO_LARGE:
                    raise
                if self.page > 1:  # the answer-size cap: smaller pages until they fit
                    self.page //= 2
                    continue
                log.warning("catalog: skipped a row larger than the answer cap at %d", offset)
                self.truncated = True
                offset += 1
                continue
            if not batch:  # a remote store may cap pages below ours: stop only when empty
                return out
            out += batch
            self.rows += len(batch)
            offset += len(batch)
        self.truncated = True
        log.warning("catalog: stopped after %d rows; search and browse see part of it", MAX_ROWS)
        return out


class WholeReader:
    """Each query in one streaming pass over a local pyoxigraph store (no paging: ORDER BY
    and OFFSET re-sort every row per page, minutes at 1M triples)."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self.rows = 0
        self.truncated = False

    def __call__(self, query: str, order: str) -> Iterator[Any]:
        for row in self.store.query(query, use_default_graph_as_union=True):
            if self.rows >= MAX_ROWS:
                self.truncated = True
                log.warning("catalog: stopped after %d rows", MAX_ROWS)
                return
            self.rows += 1
            yield row
