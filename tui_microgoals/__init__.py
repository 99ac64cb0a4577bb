"""microgoals: big goals done in small steps."""

__version__ = "0.1.0"
