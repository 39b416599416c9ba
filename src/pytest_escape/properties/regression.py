"""A regression test for a violated property, marked ``xfail(strict=True)``.

The test states the behaviour the property expects and fails today.  It can
be committed before the fix: the suite stays green, and once the code is
fixed pytest reports an unexpected pass (strict), which says the mark can
come off.  ``raises=`` pins the expected failure to the one seen: any other
error is still a failure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..inputs.calls import Target
from ..inputs.recorded import Call
from ..inputs.rendering import call_source, exception_class, test_source
from ..model import CONTRACT, CRASH, DETERMINISM, IDEMPOTENCE, ROUND_TRIP

_IDENTIFIER = re.compile(r"\W+")
_SUFFIX: dict[str, str] = {
    CRASH: "does_not_crash",
    CONTRACT: "returns_its_annotated_type",
    DETERMINISM: "is_deterministic",
    IDEMPOTENCE: "is_idempotent",
}


@dataclass
class PropertyTest:
    name: str
    source: str
    #: the exception's class name the test raises today (``raises=``)
    raises: str


def _name(target: Target, prop: str, partner: Target | None) -> str:
    module = target.module.rpartition(".")[2]
    if prop == ROUND_TRIP and partner is not None:
        words = f"{module}_{partner.qualname}_undoes_{target.name}"
    else:
        words = f"{module}_{target.qualname}_{_SUFFIX[prop]}"
    return "test_" + _IDENTIFIER.sub("_", words).strip("_").lower()


def render(
    target: Target,
    prop: str,
    call: Call,
    raises: BaseException | None,
    facts: dict[str, Any],
    data: str,
    partner: Target | None,
    observed: str,
    expected: str,
) -> PropertyTest:
    """The test's source; raises ``NotLiteral`` when the input cannot be written down."""
    source = call_source(target, call, (data,) if prop == ROUND_TRIP else ())
    imports = set(source.imports) | {"import pytest"}
    body = list(source.setup)
    if prop == CRASH:
        body.append(source.expression)
    elif prop == CONTRACT:
        assertion, needed = facts["violation"].assertion()
        imports |= needed
        body += [f"result = {source.expression}", assertion]
    elif prop == DETERMINISM:
        # a fresh input for each call, as the check gave it
        body = ["def call():", *(f"    {line}" for line in source.setup), f"    return {source.expression}"]
        # a copy: the second call may change what the first returned (a shared default list)
        body += ["first = copy.deepcopy(call())", "assert call() == first"]
        imports.add("import copy")
    elif prop == ROUND_TRIP:
        assert partner is not None
        imports.add(f"from {partner.module} import {partner.qualname.split('.')[0]}")
        body.append(f"assert {partner.qualname}({source.expression}) == {source.names[data]}")
    elif prop == IDEMPOTENCE:
        again = call_source(target, call, given={data: "once"})
        body += [f"once = {source.expression}", f"assert {again.expression} == once"]
    if raises is None:
        kind = "AssertionError"
    else:
        line, kind = exception_class(raises)
        if line:
            imports.add(line)
    reason = f"{prop}: {observed}"
    reason = reason if len(reason) <= 160 else reason[:157] + "..."
    mark = f"@pytest.mark.xfail(raises={kind}, strict=True, reason={reason!r})"
    doc = (
        f"Found by pytest-escape ({prop}): {observed}; expected {expected}. "
        "Remove the xfail mark once the code is fixed."
    )
    test = test_source(_name(target, prop, partner), doc, body, imports, (mark,))
    return PropertyTest(
        test.name, test.source, type(raises).__name__ if raises is not None else "AssertionError"
    )
