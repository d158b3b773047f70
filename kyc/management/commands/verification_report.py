"""The monthly measurement of automated ID verification against reviewers' decisions (BNM e-KYC).

    python manage.py verification_report                 # last month
    python manage.py verification_report --month 2026-10 --country MY --format csv

Counts only, no personal data: safe to file with the half-yearly report.
"""

import csv
import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kyc.models import Country
from kyc.review.labels import warning_label
from kyc.services.reporting import Measures, month_parse, month_previous, verification_report


def _month(text: str) -> date:
    try:
        return month_parse(text)
    except ValueError:
        raise CommandError(f"--month must be YYYY-MM, like 2026-10; got {text!r}.") from None


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def _row(scope: str, m: Measures) -> dict:
    return {
        "scope": scope,
        "decided": m.decided,
        "approved": m.approved,
        "rejected": m.rejected,
        "reupload_requested": m.reupload,
        "without_snapshot": m.without_snapshot,
        "automated_clear": m.clear,
        "false_acceptances": m.false_acceptances,
        "false_acceptance_rate": m.false_acceptance_rate,
        "clear_but_reupload": m.clear_reupload,
        "false_alarms": m.false_alarms,
        "false_alarm_rate": m.false_alarm_rate,
        "misread": m.misread,
        "misread_rate": m.misread_rate,
        "warnings": {str(code): {"raised": m.warned[code], "approved": m.warned_approved[code]}
                     for code in sorted(m.warned)},
    }


class Command(BaseCommand):
    help = ("Measure the automated checks against the reviewers' final decisions for one month: false "
            "acceptance rate (clear cards rejected), false alarms (flagged cards approved), misreads.")

    def add_arguments(self, parser):
        parser.add_argument("--month", type=_month, help="YYYY-MM (default: last month)")
        parser.add_argument("--country", choices=Country.values)
        parser.add_argument("--format", choices=("text", "csv", "json"), default="text")

    def handle(self, *args, month=None, country=None, format="text", **options):
        report = verification_report(month or month_previous(timezone.localdate()), country=country)
        rows = [_row(code, m) for code, m in report.by_country.items()]
        if not country:
            rows.append(_row("total", report.total))
        if format == "json":
            self.stdout.write(json.dumps({"month": report.month.strftime("%Y-%m"), "rows": rows}, indent=2))
        elif format == "csv":
            writer = csv.writer(self.stdout)
            columns = [k for k in rows[0] if k != "warnings"] if rows else ["scope"]
            writer.writerow(["month", *columns])
            for row in rows:
                writer.writerow([report.month.strftime("%Y-%m"), *("" if row[c] is None else row[c] for c in columns)])
        else:
            self._text(report.month, rows)

    def _text(self, month: date, rows: list[dict]) -> None:
        out = self.stdout.write
        out(f"Automated verification against reviewers' decisions, {month:%B %Y}")
        if not rows or not any(r["decided"] for r in rows):
            out("No final decisions were taken in this month.")
            return
        for r in rows:
            out("")
            out(f"{r['scope']}: {r['decided']} decided ({r['approved']} approved, {r['rejected']} rejected, "
                f"{r['reupload_requested']} sent back for a new upload)")
            if r["without_snapshot"]:
                out(f"  {r['without_snapshot']} decided before automated results were kept: not measured")
            out(f"  automated result clear: {r['automated_clear']}")
            out(f"  false acceptances (clear, then rejected): {r['false_acceptances']}"
                f" = {_pct(r['false_acceptance_rate'])} of rejected cards")
            out(f"  clear, then sent back for a new upload: {r['clear_but_reupload']}")
            out(f"  false alarms (flagged, then approved): {r['false_alarms']}"
                f" = {_pct(r['false_alarm_rate'])} of approved cards")
            out(f"  misread (approved after corrections): {r['misread']} = {_pct(r['misread_rate'])} of approved cards")
            for code, w in r["warnings"].items():
                out(f"  warning {code} {warning_label(int(code))}: raised on {w['raised']}, approved all the same {w['approved']}")
