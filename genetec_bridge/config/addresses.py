"""Listening addresses written in the site file (health server, configuration box)."""

import ipaddress


def ip_address(value: str) -> str:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        raise ValueError(f"'{value}' is not an IP address, e.g. 127.0.0.1 or 0.0.0.0") from None
    return value


def is_loopback(address: str) -> bool:
    return ipaddress.ip_address(address).is_loopback
