# The table of functions the native layer calls (internal): each takes what
# the C layer passes.
from typing import Any

def __getattr__(name: str) -> Any: ...
