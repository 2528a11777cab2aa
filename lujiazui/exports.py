"""Spreadsheet exports (CSV and Excel) from the admin, safe to open and recorded.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula, so
text from the site's users is written with a leading apostrophe when it starts like that
(CSV injection). Numbers stay numbers. Every export is recorded in the history of each
exported object (``lujiazui.audit``).
"""

import csv
import io
from dataclasses import dataclass

from django.contrib import admin
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from . import audit

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    header: str
    value: object  # a function of the exported object


def spreadsheet_safe(value):
    """A cell a spreadsheet shows as text, never runs as a formula; numbers as they are,
    yes or no in words.

    Control characters (other than tab and line breaks), which an Excel file cannot hold,
    are removed first: "\x01=…" must not become a formula once they are gone."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, int | float):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def table(columns, objects):
    yield [str(column.header) for column in columns]
    for obj in objects:
        yield [spreadsheet_safe(column.value(obj)) for column in columns]


def csv_response(rows, filename):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response.write("\ufeff")  # the BOM makes Excel read UTF-8 (Chinese) correctly
    csv.writer(response).writerows(rows)
    return response


def xlsx_response(rows, filename):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    response = HttpResponse(output.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


class ExportAdmin:
    """Admin actions "export as CSV" and "export as Excel" for users who may view the model.

    A subclass lists ``"export_csv"`` and ``"export_xlsx"`` in its ``actions``, defines
    ``export_columns(request)``, a list of ``Column``, and may join related rows in
    ``export_queryset(request, queryset)``.
    """

    def export_columns(self, request):
        raise NotImplementedError

    def export_queryset(self, request, queryset):
        return queryset

    def export(self, request, queryset, file_format):
        objects = list(self.export_queryset(request, queryset))
        audit.record_access(objects, f"export_{file_format}")
        rows = table(self.export_columns(request), objects)
        filename = f"{self.opts.model_name}-{timezone.localdate():%Y%m%d}"
        respond = csv_response if file_format == "csv" else xlsx_response
        return respond(rows, filename)

    @admin.action(description=_("Export selected as CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        return self.export(request, queryset, "csv")

    @admin.action(description=_("Export selected as Excel"), permissions=["view"])
    def export_xlsx(self, request, queryset):
        return self.export(request, queryset, "xlsx")
