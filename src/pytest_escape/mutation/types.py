"""Value objects of the mutation stage (no mutmut types leak past the adapter)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Span:
    """A region of a source file: 1-based lines, 0-based columns, end exclusive."""

    start_line: int
    start_col: int
    end_line: int
    end_col: int


@dataclass(frozen=True)
class MutantSpec:
    """One planted fault, before it has been run."""

    id: str
    module: str
    function: str
    operator: str
    span: Span
    #: the statement holding the mutated node: coverage.py records its first line
    statement: Span
    function_span: Span
    #: the function's first line, decorators included (its code object's ``co_firstlineno``)
    function_first_line: int
    #: mutated in a ``def`` line (a default value): runs at import, not in a test
    in_signature: bool
    original: str
    replacement: str
    before: tuple[str, ...]
    after: tuple[str, ...]
    #: the expressions that hold the mutant's change, as the original and the
    #: mutant write them, the outermost first (``mutation.changed_expression``)
    expressions: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class FunctionCopies:
    """One mutated function's text, from which each of its mutants' copies is
    cut in the process that runs that mutant (``mutation.switch`` compiles the
    one copy a child needs, inside the module's source, at its own lines).
    """

    #: the module's mutants dict for this function (``mutants_x_f__mutmut``)
    dict_name: str
    class_name: str | None
    #: the function's ``def`` line in the original file
    first_line: int
    #: the function's original text, from its ``def`` line (its decorators are
    #: never copied: they ran once, on the original) to its last line
    text: str
    #: where the function's name is in ``text``
    name_start: int
    name_end: int
    #: mutant function name -> (start, end, replacement): a change to ``text``
    changes: dict[str, tuple[int, int, str]] = field(default_factory=dict)
    #: it has decorators (they ran once, on the original; the switch finds
    #: the function they wrapped)
    decorated: bool = False
    #: the indentation of the body's first statement (a switched method's
    #: mutant may need one more line in its body: ``switch._padded``)
    body_indent: str = ""

    @property
    def name(self) -> str:
        """The function's own name, as written after ``def``."""
        return self.text[self.name_start : self.name_end]

    def copy(self, name: str, rename: str | None = None) -> str:
        """The text of mutant ``name`` (or of the unchanged copy if it has no
        change), renamed to ``rename`` (default: ``name``)."""
        text = self.text
        change = self.changes.get(name)
        if change is not None:
            start, end, replacement = change
            text = text[:start] + replacement + text[end:]
        # the name comes before anything a mutant may change on the def line
        return text[: self.name_start] + (rename or name) + text[self.name_end :]


@dataclass(frozen=True)
class SkippedFunction:
    """A function of a target file that gets no mutant, and why."""

    #: ``Class.method`` or ``function``
    name: str
    #: its ``def`` line
    line: int
    reason: str


@dataclass(frozen=True)
class MutatedModule:
    """A target module's mutants, and the functions they are cut from.

    The module itself is served as it is: a mutant is switched on by swapping
    its function's code object, in the process that runs it.
    """

    module: str
    filename: str
    mutants: tuple[MutantSpec, ...]
    functions: tuple[FunctionCopies, ...] = ()
    #: functions no mutant can be planted in, with the reason (never dropped silently)
    skipped: tuple[SkippedFunction, ...] = ()
