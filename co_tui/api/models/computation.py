"""Computations, their inputs and pipeline processes (``codeocean.models.computation``)."""

from __future__ import annotations

from enum import StrEnum

from co_tui.api.models._base import _Model

__all__ = [
    "Computation",
    "ComputationList",
    "ComputationState",
    "InputDataAsset",
    "Param",
    "PipelineProcess",
]


class ComputationState(StrEnum):
    """States of a computation."""

    Initializing = "initializing"
    Running = "running"
    Finalizing = "finalizing"
    Completed = "completed"
    Failed = "failed"


class Param(_Model):
    """A run parameter."""

    name: str | None = None
    param_name: str | None = None
    value: str | None = None


class PipelineProcess(_Model):
    """One process of a pipeline run."""

    name: str = ""
    capsule_id: str = ""
    version: int | None = None
    public: bool | None = None
    parameters: list[Param] | None = None


class InputDataAsset(_Model):
    """An asset mounted into a computation."""

    id: str
    mount: str | None = None


class Computation(_Model):
    """A run of a capsule or pipeline."""

    id: str
    created: int = 0
    name: str = ""
    owner: str = ""
    run_time: int = 0
    state: str = ""
    owner_email: str | None = None
    cloud_workstation: bool | None = None
    data_assets: list[InputDataAsset] | None = None
    parameters: list[Param] | None = None
    nextflow_profile: str | None = None
    processes: list[PipelineProcess] | None = None
    end_status: str | None = None
    exit_code: int | None = None
    has_results: bool | None = None


class ComputationList(list[Computation]):
    """A capsule's runs as :meth:`~co_tui.api.capsules.Capsules.list_computations` read them: a
    plain list (the SDK answers ``list[Computation]``) that also counts the runs left out."""

    unreadable: int = 0
    """Runs of the answer that could not be read and were left out (counted by this client)."""
