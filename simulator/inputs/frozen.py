"""The base of every input model: frozen once validated, no unknown keys, and no true/false where a number belongs.

YAML 1.1 reads ``yes``, ``no``, ``on``, ``off``, ``true`` and ``false`` as booleans, and pydantic's lax mode turns a
boolean into 1 or 0 for a number field: ``no_show_rate: yes`` would run with every session a no-show, and
``clinicians: true`` with one clinician. Strict mode would refuse it, but also the lists YAML gives for tuple
fields; so one ``before`` validator here, inherited by every scenario and sweep model, refuses booleans for
number fields (and inside lists of numbers) whatever file, ``--set`` or policy they come from.
"""

from __future__ import annotations

import functools
import types
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

__all__ = ["BOOL_FOR_NUMBER", "Frozen"]

BOOL_FOR_NUMBER = "bool_for_number"  # the error type, for code that words validation errors
_WHY = "YAML reads yes, no, on and off as true/false"


class Frozen(BaseModel):
    """A frozen model that forbids unknown keys and refuses booleans for numbers."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _no_booleans_for_numbers(cls, value: Any, info: ValidationInfo) -> Any:
        if info.field_name is None or not isinstance(value, bool | list | tuple):
            return value
        field, items = _number_kinds(cls, info.field_name)
        if field and isinstance(value, bool):
            raise PydanticCustomError(BOOL_FOR_NUMBER, f"must be a number, not true/false ({_WHY})")
        if items and isinstance(value, list | tuple):
            for index, item in enumerate(value):
                if isinstance(item, bool):
                    raise PydanticCustomError(BOOL_FOR_NUMBER, f"must hold numbers, not true/false (item {index} "
                                              f"is {str(item).lower()}; {_WHY})")
        return value


@functools.cache
def _number_kinds(model: type[BaseModel], name: str) -> tuple[bool, bool]:
    """(the field is a number, the field is a list of numbers); never true where a boolean is also allowed."""
    annotation = model.model_fields[name].annotation
    field = _is_number(annotation)
    items = any(_is_number(item) for option in _options(annotation) if get_origin(option) in (tuple, list)
                for item in get_args(option) if item is not Ellipsis)
    return field, items


def _is_number(annotation: Any) -> bool:
    kinds = set(_options(annotation))
    return bool(kinds & {int, float}) and not kinds & {bool, Any} and not any(
        get_origin(kind) is Literal for kind in kinds)


def _options(annotation: Any) -> tuple[Any, ...]:
    """The alternatives of a union (``float | None`` -> float, None), with ``Annotated`` metadata removed."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _options(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        return tuple(option for argument in get_args(annotation) for option in _options(argument))
    return (annotation,)
