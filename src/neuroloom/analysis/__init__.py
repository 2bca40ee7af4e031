"""Numbers computed from recordings (numpy only)."""
from .rates import pop_rates

__all__ = ["pop_rates"]
