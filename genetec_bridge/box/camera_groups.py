"""Cameras by area: the site file's `group` of each camera, the order every list of the box shows them
in (the cameras page's headings, the editor's camera selector). Groups in alphabetical order, cameras
by name within each; the cameras without a group come last, under one heading of their own."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import groupby
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class CameraGroup(Generic[T]):
    name: str | None
    """The site file's `group`; None for the cameras that have none."""
    cameras: list[T]


def grouped(
    cameras: Iterable[T], group: Callable[[T], str | None], name: Callable[[T], str]
) -> list[CameraGroup[T]]:
    """`cameras` under their groups, in the order the box lists them."""

    def order(camera: T) -> tuple[bool, str, str, str]:
        key = group(camera)
        return key is None, (key or "").casefold(), key or "", name(camera).casefold()

    return [
        CameraGroup(key, list(members)) for key, members in groupby(sorted(cameras, key=order), key=group)
    ]
