"""The classifier: the active model's figures; retraining on demand."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, status

from api.dependencies import ContainerDep, SessionDep, WriteSessionDep, requires
from api.schemas.review import ClassifierModelOut
from services.access.roles import Permission
from services.access.scope import Scope
from services.classification.jobs import enqueue_training
from services.classification.models_query import latest_model

router = APIRouter(prefix="/api/v1/classifier", tags=["classifier"])
Manager = Annotated[Scope, requires(Permission.MANAGE_CLASSIFIER)]


@router.get("", response_model=ClassifierModelOut, summary="The active model")
def classifier(session: SessionDep, _: Manager) -> ClassifierModelOut:
    return ClassifierModelOut.model_validate(latest_model(session), from_attributes=True)


@router.post("/training", status_code=status.HTTP_202_ACCEPTED, summary="Retrain soon")
def train(session: WriteSessionDep, container: ContainerDep, _: Manager) -> dict[str, str]:
    enqueue_training(session, clock=container.clock, settings=container.settings)
    return {"status": "queued"}
