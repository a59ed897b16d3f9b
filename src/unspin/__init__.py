"""unspin: detect text made by automatic article spinners and restore its wording.

>>> import unspin
>>> unspin.spin("The new leader will hold talks.", rate=0.5, seed=3).text != ""
True
"""

from .decode import Config, restore
from .detect import Detection, detect
from .errors import DataMissingError, InputError, UnspinError
from .spin import Spun, spin
from .text import Edit, Restoration, apply_edits

__all__ = [
    "Config", "DataMissingError", "Detection", "Edit", "InputError", "Restoration", "Spun",
    "UnspinError", "apply_edits", "detect", "restore", "spin",
]
__version__ = "0.1.0"
