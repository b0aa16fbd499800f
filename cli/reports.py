"""What an import brought, as the command line prints it (`mnemo import`, and an export
given to `mnemo ingest`), in the user's language."""

from __future__ import annotations

from rich.markup import escape

from cli.console import err, out
from knowledge.services.keeping.importing import ImportReport
from present.texts import TEXTS, t

FAILURES_SHOWN = 20


def print_report(report: ImportReport, language: str = "en") -> None:
    """What was added, already there, replaced, read, skipped and failed; the reminders
    brought back; the first failures; a folder's files that are gone."""

    def said(key: str, **values: object) -> str:
        return t(key, language, **values)

    kind = f"cli_import_{report.kind.replace('-', '_')}"
    reminders = report.reminders
    failures = [*report.failed, *report.links_failed, *reminders.failed]
    out.print(
        said(
            "cli_imported",
            kind=said(kind) if kind in TEXTS else report.kind,
            added=report.added,
            already=report.already,
        )
        + (said("cli_import_replaced", n=report.replaced) if report.replaced else "")
        + (said("cli_import_links", n=report.links) if report.links else "")
        + (
            said("cli_import_links_failed", n=len(report.links_failed))
            if report.links_failed
            else ""
        )
        + (said("cli_import_skipped", n=report.skipped) if report.skipped else "")
        + (said("cli_import_attributed", n=report.attributed) if report.attributed else "")
        + said("cli_import_failed", n=len(report.failed), seconds=report.seconds),
        markup=False,
    )
    if report.others:
        out.print(said("cli_import_others", n=report.others), markup=False)
    if reminders.added or reminders.already or reminders.past or reminders.failed:
        out.print(
            said("cli_import_reminders", added=reminders.added, already=reminders.already)
            + (said("cli_import_past", n=reminders.past) if reminders.past else "")
            + (said("cli_import_unreadable", n=len(reminders.failed)) if reminders.failed else ""),
            markup=False,
        )
    for label, why in failures[:FAILURES_SHOWN]:
        err.print(f"  [yellow]✗[/yellow] {escape(label)}: {escape(why)}")
    if len(failures) > FAILURES_SHOWN:
        err.print(said("cli_import_more", n=len(failures) - FAILURES_SHOWN), markup=False)
    if report.gone:
        gone = "cli_import_forgotten" if report.pruned else "cli_import_gone"
        out.print(said(gone, n=len(report.gone)), markup=False)
        for name in report.gone[:FAILURES_SHOWN]:
            out.print(f"  - {name}", markup=False)
