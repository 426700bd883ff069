"""OpenAI-compatible endpoints and the offline local server (shared by simulate and annotate)."""

from realsim_core.llm._client import ChatClient, Endpoint, EndpointError, Usage
from realsim_core.llm._server import LOCAL_MODEL_NAME, LocalServer, LocalServerError, local_model_path

__all__ = [
    "LOCAL_MODEL_NAME", "ChatClient", "Endpoint", "EndpointError", "LocalServer", "LocalServerError",
    "Usage", "local_model_path",
]
