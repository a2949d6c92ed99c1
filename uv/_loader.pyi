from typing import Any

UNIVERSAL_FILE: str
CPYTHON_FILE: str
UNIVERSAL_CPYTHONS: tuple[tuple[int, int], tuple[int, int]]
ABI: str | None
_uv: Any

def debug_mode() -> bool: ...
def choose(impl: str, version: tuple[int, int], choice: str | None,
           has_universal: bool, has_cpython: bool) -> str: ...
def load() -> Any: ...
