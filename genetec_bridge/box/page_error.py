"""A refusal a page of the box explains to a person (shown by genetec_bridge.box.error_pages): kept
apart from the pages so that the security middleware, which the pages' rendering depends on, can raise it."""

from collections.abc import Sequence


class PageError(Exception):
    """A refusal the page explains: `key` names its message, `link` (address, message key) the way on."""

    def __init__(
        self,
        status: int,
        key: str,
        link: tuple[str, str] | None = None,
        details: Sequence[str] = (),
        **values: object,
    ) -> None:
        super().__init__(key)
        self.status = status
        self.key = key
        self.link = link
        self.details = list(details)
        self.values = values
