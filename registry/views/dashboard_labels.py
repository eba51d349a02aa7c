"""Labels of the dashboard's dimensions, figures and list headings (issue 12): English msgids translated
in ``parts/dashboard.po``; standard code tables come from :mod:`registry.codes` and the registers' own
label tables."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from registry import codes
from registry.reports.transfers.labels import TYPE_LABELS
from registry.services.dividends.rounds import STATE_LABELS as ROUND_STATE_LABELS
from registry.services.shares.settings import SHARE_TYPE_LABELS
from registry.views.filing_labels import STATE_LABELS as FILING_STATE_LABELS

UNKNOWN = _l("Not recorded")

PROGRESS = {"district_filed": _l("Filed with town and district"), "town_filed": _l("Filed with town only"),
            "town_review": _l("Under town review"), "in_progress": _l("Roster in progress"),
            "none": _l("No roster version yet")}
DESTINATION = {"town": _l("Town or city"), "school": _l("School"), "army": _l("Army"),
               "village": _l("Another village"), "other": _l("Elsewhere")}
RECEIVER = {"farmer": _l("Farming household"), "family_farm": _l("Family farm"),
            "cooperative": _l("Cooperative"), "enterprise": _l("Enterprise"), "other": _l("Other receiver")}
#: The register's own labels (registry/reports/transfers/labels.py): the same words as the register and the
#: statistical report.
TRANSFER_TYPE = dict(TYPE_LABELS)
SEX = {"1": _l("Men"), "2": _l("Women")}


def _table(table: codes.CodeTable) -> dict:
    return dict(table.labels)


#: dimension name → {value: label}; a value missing from its table is shown as stored.
DIMENSIONS = {
    "progress": PROGRESS, "stage": FILING_STATE_LABELS, "sex": SEX, "ground": _table(codes.ACQUISITION_GROUND),
    "dest": DESTINATION, "loss": _table(codes.LOSS_GROUND), "cmethod": _table(codes.CONTRACT_METHOD),
    "method": _table(codes.CIRCULATION_METHOD), "receiver": RECEIVER, "status": _table(codes.HOMESTEAD_STATUS),
    "stype": dict(SHARE_TYPE_LABELS), "rstate": ROUND_STATE_LABELS, "ttype": TRANSFER_TYPE,
}
DIMENSION_NAMES = {
    "unit": _l("Area"), "progress": _l("Filing progress"), "stage": _l("State"), "sex": _l("Sex"),
    "band": _l("Age"), "ground": _l("Acquisition ground"), "dest": _l("Hukou went to"),
    "loss": _l("Loss ground"), "year": _l("Year"), "cmethod": _l("Contract method"),
    "method": _l("Circulation method"), "receiver": _l("Receiver type"), "status": _l("Status"),
    "stype": _l("Share type"), "rstate": _l("State"), "ttype": _l("Type"),
}
FIGURE_NAMES = {
    "villages": _l("Villages"), "pending": _l("Filings awaiting an officer"), "members": _l("Members"),
    "households": _l("Households with members"), "hukou_out": _l("Members with hukou outside the village"),
    "endings": _l("Memberships ended"), "parcels": _l("Contracted land (mu)"),
    "circulations": _l("Circulated land (mu)"), "homesteads": _l("Homesteads"), "holdings": _l("Share units"),
    "rounds": _l("Latest dividend round per village (yuan)"), "transfers": _l("Recorded transactions (yuan)"),
}
HEADINGS = {
    "Village": _l("Village"), "Organisation": _l("Organisation"), "Filing progress": _l("Filing progress"),
    "Version": _l("Version"), "State": _l("State"), "Submitted": _l("Submitted"), "Name": _l("Name"),
    "ID number": _l("ID number"), "Sex": _l("Sex"), "Year of birth": _l("Year of birth"),
    "Acquisition ground": _l("Acquisition ground"), "Household no.": _l("Household no."),
    "Active members": _l("Active members"), "Hukou place": _l("Hukou place"), "Hukou moved": _l("Hukou moved"),
    "Destination": _l("Hukou went to"), "Loss ground": _l("Loss ground"), "Ended on": _l("Ended on"),
    "Contractor code": _l("Contractor code"), "Parcel code": _l("Parcel code"), "Parcel name": _l("Parcel name"),
    "Contract method": _l("Contract method"), "Contract area (mu)": _l("Contract area (mu)"),
    "Circulation method": _l("Circulation method"), "Receiver": _l("Receiver"),
    "Receiver type": _l("Receiver type"), "Starts": _l("Starts"), "Ends": _l("Ends"), "Area (mu)": _l("Area (mu)"),
    "Plot code": _l("Plot code"), "Status": _l("Status"), "Plot area (m²)": _l("Plot area (m²)"),
    "Share type": _l("Share type"), "Valid from": _l("Valid from"), "Units": _l("Units"), "Title": _l("Title"),
    "Record date": _l("Record date"), "Distributable (yuan)": _l("Distributable (yuan)"),
    "Journal no.": _l("Journal no."), "Type": _l("Type"), "Effective": _l("Effective"),
    "Price (yuan)": _l("Price (yuan)"),
}


def dim_label(dim: str, value: str, units: dict[str, str] | None = None) -> str:
    """The label of a dimension value (``units``: names of the grouping units)."""
    if dim == "unit":
        return (units or {}).get(value, value)
    if value in ("unknown", "0") and dim not in ("year",):
        return str(UNKNOWN)
    if dim == "band":
        return value
    return str(DIMENSIONS.get(dim, {}).get(value, value))
