"""Notebook panels, one module per panel family.

Each panel is an ipywidgets layout whose controls are attributes, so tests drive it without a
kernel. Panels call the same service functions as the command line; they add controls only.
"""

from toolkit.widgets.coaching import CoachingPanel
from toolkit.widgets.draw import DrawPanel
from toolkit.widgets.pairing import PairingPanel
from toolkit.widgets.privacy import ErasurePanel
from toolkit.widgets.relationships import (
    AgreementPanel,
    ConcernPanel,
    MeetingImportPanel,
    MeetingPanel,
    RenewalPanel,
    ReviewPanel,
    StatusPanel,
    TimelinePanel,
    WarningsPanel,
    WithdrawalImportPanel,
)
from toolkit.widgets.report import ReportPanel
from toolkit.widgets.signups import ColumnMappingPanel

__all__ = [
    "AgreementPanel",
    "CoachingPanel",
    "ColumnMappingPanel",
    "ConcernPanel",
    "DrawPanel",
    "ErasurePanel",
    "MeetingImportPanel",
    "MeetingPanel",
    "PairingPanel",
    "RenewalPanel",
    "ReportPanel",
    "ReviewPanel",
    "StatusPanel",
    "TimelinePanel",
    "WarningsPanel",
    "WithdrawalImportPanel",
]
