"""The solver core: the only code that imports a solver (lazily, inside the backends)."""

from .backends import Backend
from .replace import replace_dropouts
from .solve import solve

__all__ = ["Backend", "replace_dropouts", "solve"]
