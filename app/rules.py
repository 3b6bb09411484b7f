"""The one error a service raises when a business rule is broken.

Every domain service (regions, accounts, the registry, inspections, rectification, and the
cases to come) raises ``RuleError`` with the sentence to show the user and, where the rule
concerns one input, the name of that field, so a form shows it at the field, an import at
the row's column and an API in its JSON body, all from the same exception.
"""


class RuleError(ValueError):
    """A broken rule: a Chinese sentence, and the field it belongs to (None: the whole request)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.problems: dict[str | None, str] = {field: message}

    @classmethod
    def of(cls, problems: dict[str | None, str]) -> "RuleError":
        """Several broken rules found at once, one sentence per field."""
        field, message = next(iter(problems.items()))
        error = cls(message, field)
        error.problems = dict(problems)
        return error

    def show_on(self, form, fallback: str | None = None) -> None:
        """Put each sentence at its field of ``form``; one without a field goes to ``fallback``
        (the field the action is about) or, failing that, above the form."""
        for field, message in self.problems.items():
            target = getattr(form, field or fallback or "", None)
            if target is None or not hasattr(target, "errors"):
                form.form_errors.append(message)
            else:
                # A field's errors are a tuple until the form has been validated.
                target.errors = [*target.errors, message]
