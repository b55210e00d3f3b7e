"""Plain data between the sandbox and the grader: numbers, strings, lists,
tuples, dicts and numeric arrays as JSON, and nothing else.

``encode`` runs inside the sandbox (on whatever the student's code made);
``decode`` runs in the grader and accepts only the shapes ``encode`` writes,
so the student's side can hand over values but never code or objects: no
pickle, no ``__reduce__``, no ``__array__`` is ever called by the grader.
"""

from __future__ import annotations

import json
import math

MAX_ITEMS = 200_000        # numbers in one encoded value
MAX_TEXT = 2_000           # characters kept of a string
MAX_DEPTH = 20


class PlainError(ValueError):
    """The data is not what ``encode`` writes."""


def _float(value):
    value = float(value)
    if math.isfinite(value):
        return value
    return {"__float__": "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")}


def encode(value, _depth=0, _budget=None):
    """``value`` as JSON-ready plain data (inside the sandbox)."""
    import numpy as np

    budget = _budget if _budget is not None else [MAX_ITEMS]
    budget[0] -= 1
    if budget[0] < 0 or _depth > MAX_DEPTH:
        return {"__object__": "too large"}
    kind = type(value)
    if value is None or kind is bool or kind is str:
        return value[:MAX_TEXT] if kind is str else value
    if kind is int:
        return value if abs(value) < 2 ** 63 else _float(value)
    if kind is float:
        return _float(value)
    if value is Ellipsis:
        return {"__ellipsis__": True}
    if kind is complex:
        return {"__complex__": [_float(value.real), _float(value.imag)]}
    if isinstance(value, np.generic) and kind.__module__ == "numpy":
        if value.dtype.kind in "biuf":
            return {"__npscalar__": value.dtype.str, "value": encode(value.item(), _depth + 1, budget)}
        return {"__object__": kind.__name__}
    if kind is np.ndarray:
        if value.dtype.kind not in "biuf" or value.size > budget[0]:
            return {"__object__": f"ndarray of {value.dtype}" if value.dtype.kind not in "biuf" else "too large"}
        budget[0] -= value.size
        flat = [_float(v) if value.dtype.kind == "f" else (bool(v) if value.dtype.kind == "b" else int(v))
                for v in value.ravel().tolist()]
        return {"__ndarray__": value.dtype.str, "shape": list(value.shape), "data": flat}
    if kind is list or kind is tuple:
        items = [encode(v, _depth + 1, budget) for v in value[: MAX_ITEMS]]
        return items if kind is list else {"__tuple__": items}
    if kind is dict:
        if not all(type(k) in (str, int, float) for k in value):
            return {"__object__": "dict"}
        return {"__dict__": [[encode(k, _depth + 1, budget), encode(v, _depth + 1, budget)]
                             for k, v in list(value.items())[:MAX_ITEMS]]}
    if callable(value):
        return {"__callable__": str(getattr(value, "__qualname__", kind.__name__))[:200]}
    return {"__object__": kind.__name__[:100]}


def dumps(value) -> str:
    return json.dumps(encode(value), allow_nan=False, ensure_ascii=True)


# -- the grader's side -------------------------------------------------------------

_OPAQUE: dict[str, type] = {}


def opaque(name: str):
    """A stand-in object whose type has the given name (for messages such as
    "is a Foo, expected a real number"); it has no behaviour at all."""
    name = name if name.isidentifier() else "object"
    if name not in _OPAQUE:
        _OPAQUE[name] = type(name, (), {"__repr__": lambda self: f"<{type(self).__name__}>"})
    return _OPAQUE[name]()


def _number(value):
    if type(value) in (int, float) and type(value) is not bool:
        return value
    if type(value) is dict and set(value) == {"__float__"} and value["__float__"] in ("nan", "inf", "-inf"):
        return float(value["__float__"])
    raise PlainError("not a number")


def decode(data, _depth=0):
    """Plain data back into Python values (in the grader): only the forms
    ``encode`` writes are accepted, anything else raises PlainError."""
    import numpy as np

    if _depth > MAX_DEPTH + 2:
        raise PlainError("nested too deeply")
    kind = type(data)
    if data is None or kind in (bool, int, float):
        return data
    if kind is str:
        if len(data) > MAX_TEXT:
            raise PlainError("string too long")
        return data
    if kind is list:
        return [decode(v, _depth + 1) for v in data]
    if kind is not dict or len(data) == 0:
        raise PlainError(f"unexpected {kind.__name__}")
    keys = set(data)
    if keys == {"__float__"}:
        return _number(data)
    if keys == {"__ellipsis__"} and data["__ellipsis__"] is True:
        return Ellipsis
    if keys == {"__complex__"} and type(data["__complex__"]) is list and len(data["__complex__"]) == 2:
        return complex(_number(data["__complex__"][0]), _number(data["__complex__"][1]))
    if keys == {"__tuple__"} and type(data["__tuple__"]) is list:
        return tuple(decode(v, _depth + 1) for v in data["__tuple__"])
    if keys == {"__dict__"} and type(data["__dict__"]) is list:
        out = {}
        for pair in data["__dict__"]:
            if type(pair) is not list or len(pair) != 2:
                raise PlainError("bad dict item")
            key = decode(pair[0], _depth + 1)
            if type(key) not in (str, int, float):
                raise PlainError("bad dict key")
            out[key] = decode(pair[1], _depth + 1)
        return out
    if keys == {"__npscalar__", "value"}:
        dtype = _dtype(data["__npscalar__"])
        value = data["value"]
        value = _number(value) if type(value) is not bool else value
        return dtype.type(value)
    if keys == {"__ndarray__", "shape", "data"}:
        dtype = _dtype(data["__ndarray__"])
        shape = data["shape"]
        if type(shape) is not list or not all(type(n) is int and 0 <= n for n in shape):
            raise PlainError("bad shape")
        flat = data["data"]
        if type(flat) is not list or len(flat) != math.prod(shape):
            raise PlainError("bad array data")
        values = [v if type(v) is bool and dtype.kind == "b" else _number(v) for v in flat]
        return np.array(values, dtype=dtype).reshape(shape)
    if keys == {"__callable__"} and type(data["__callable__"]) is str:
        return opaque("function")
    if keys == {"__object__"} and type(data["__object__"]) is str:
        return opaque(data["__object__"].split(" ")[0])
    raise PlainError(f"unexpected keys {sorted(keys)[:3]}")


def _dtype(text):
    import numpy as np

    if type(text) is not str or len(text) > 8:
        raise PlainError("bad dtype")
    try:
        dtype = np.dtype(text)
    except TypeError as error:
        raise PlainError("bad dtype") from error
    if dtype.kind not in "biuf":
        raise PlainError("bad dtype")
    return dtype


def key(args, kwargs) -> str:
    """The canonical text of a call's arguments (the same on both sides)."""
    return json.dumps([encode(list(args)), encode(dict(sorted(kwargs.items())))],
                      allow_nan=False, sort_keys=True, ensure_ascii=True)
