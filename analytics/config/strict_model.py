"""Base class for every typed model of the product: unknown keys are errors, values are immutable."""

from pydantic import BaseModel, ConfigDict


class StrictModel(BaseModel):
    """A model that rejects unknown keys, so a typo in a config file is reported instead of ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)
