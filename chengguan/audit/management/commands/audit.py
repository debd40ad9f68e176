"""``chengguan audit verify``: check the hash chain of the audit log."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from tqdm import tqdm

from chengguan.audit.models import AuditEntry
from chengguan.audit.verification import VerifyResult, verify_chain


def describe_failure(result: VerifyResult) -> str:
    """One paragraph naming the first bad entry and what is wrong with it."""
    lines = [
        _(
            "The audit log has been tampered with: entry %(seq)s is bad (%(checked)s entries before it are good)."
        )
        % {"seq": result.first_bad_seq, "checked": result.checked}
    ]
    if result.bad_action:
        lines.append(_("Action: %(action)s") % {"action": result.bad_action})
    if result.bad_target:
        lines.append(_("Target: %(target)s") % {"target": result.bad_target})
    lines.append(_("Problem: %(reason)s") % {"reason": result.reason})
    return "\n".join(lines)


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]  # translated when asked for, not at import
        return _("The audit log. `audit verify` checks its hash chain and names the first tampered entry.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, title=_("subcommands"))
        verify = sub.add_parser(
            "verify",
            help=_("recompute every hash and link; exit 1 naming the first bad entry"),
        )
        verify.add_argument(
            "--batch-size",
            type=int,
            default=5000,
            help=_("entries read per query (default 5000)"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "verify":
            self.verify(options)

    def verify(self, options: Any) -> None:
        if options["batch_size"] < 1:
            raise CommandError(_("--batch-size must be a positive number."), returncode=2)
        show_progress = options["verbosity"] >= 1 and self.stderr.isatty()
        bar = tqdm(total=AuditEntry.objects.count(), unit=_("entries")) if show_progress else None

        def progress(checked: int) -> None:
            if bar is not None:
                bar.update(checked - bar.n)

        try:
            result = verify_chain(batch_size=options["batch_size"], on_progress=progress)
        finally:
            if bar is not None:
                bar.close()
        if not result.ok:
            raise CommandError(describe_failure(result), returncode=1)
        self.stdout.write(
            _("Audit log OK: %(checked)s entries checked, head #%(seq)s %(hash)s")
            % {"checked": result.checked, "seq": result.head_seq, "hash": result.head_hash}
        )
