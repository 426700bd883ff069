"""One module per dimension; importing this package registers them all."""

from realsim_core.annotate.dimensions import length  # noqa: F401
from realsim_core.annotate.dimensions import feedback, identity, intent, knowledge  # noqa: F401
from realsim_core.annotate.dimensions import emotion, errors, linguistic  # noqa: F401
