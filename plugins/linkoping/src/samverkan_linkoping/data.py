"""Linköping's rule data as its own Python reads it: the value model, the benchmark and
the demo data.

The rules themselves are data in ``data/*.toml`` in the one rule-data schema, read and
validated by the core (:func:`samverkan.plugin.datapack.load_pack`); the plugin's hooks
serve them without Python. What the computations here need is read from the same pack:
the benchmark and tolerance of the gate ``linkoping.iop.cost_split``, the ``[extra]``
value model and SROI settings, and the ``[demo]`` table.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from samverkan.domain.model import Source
from samverkan.domain.rules import Document, Municipality
from samverkan.plugin.datapack import DataPack, load_pack

PACKAGE = "samverkan_linkoping"
#: the gate that holds the "about half" benchmark
COST_SPLIT_GATE = "linkoping.iop.cost_split"
LEGAL_ASSESSMENT = "legal_assessment"
PROJECT_COST = "project_cost"
EXTERNAL_FUNDING = "external_funding"
CONCLUSIONS = ("compatible", "not_compatible")


def pack() -> DataPack:
    """This plugin's rule data (read once per process)."""
    return load_pack(PACKAGE)


def municipality() -> Municipality:
    """Linköping's identity and guideline documents."""
    muni = pack().municipality
    assert muni is not None
    return muni


def doc(key: str) -> Document:
    """The guideline document with ``key``."""
    return municipality().document(key)


def source(entry: dict[str, Any]) -> Source:
    """The source named by a data entry's ``document`` and ``section`` keys."""
    return pack().source(entry["document"], entry.get("section", ""))


# -- value model ----------------------------------------------------------------


def benchmark_share() -> Decimal:
    """The municipality's share of the yearly value the board aims for (0.5)."""
    return Decimal(str(pack().gate_spec(COST_SPLIT_GATE)["benchmark"]))


def benchmark_tolerance() -> Decimal:
    """How far (in share points, 0.10 = ±10 percentage points) the share may stray unflagged."""
    return Decimal(str(pack().gate_spec(COST_SPLIT_GATE)["tolerance"]))


def benchmark_source() -> Source:
    """Where the "about half" benchmark comes from."""
    return source(pack().gate_spec(COST_SPLIT_GATE))


def value_source() -> Source:
    """Where the composition of an IOP's value comes from."""
    return source(pack().extra["value"])


def sroi_settings() -> dict[str, Any]:
    """The SROI defaults (discount rate, longest projection) and their source."""
    return pack().extra["sroi"]


def sroi_source() -> Source:
    """Where the SROI method comes from."""
    return source(sroi_settings())


def demo() -> dict[str, Any]:
    """The ``[demo]`` table: the board's IOPs and projects of February 2020."""
    table = pack().demo
    assert table is not None
    return table
