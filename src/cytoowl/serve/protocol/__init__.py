"""SPARQL 1.1 Protocol details that do not depend on the store.

- :mod:`.negotiation`: media types and Accept negotiation;
- :mod:`.lookup`: bounded single-pattern lookups;
- :mod:`.service_policy`: the SERVICE allow-list;
- :mod:`.results`: shaping results under the row cap.
"""

from cytoowl.serve.protocol.lookup import PLAIN, is_bounded_lookup, lookup_spelling
from cytoowl.serve.protocol.negotiation import (
    BOOLEAN_TYPES,
    FORMAT_NAMES,
    GRAPH_TYPES,
    HTML,
    RDF_OFFERS,
    RESULT_TYPES,
    Formats,
    choose_formats,
    content_type,
    media_type,
    negotiate,
    parse_accept,
)
from cytoowl.serve.protocol.results import (
    ANSWER_PREFIXES,
    AnswerTooLarge,
    NotAcceptable,
    QueryResult,
    shape,
)
from cytoowl.serve.protocol.service_policy import QueryRefused, check_service, service_allowed

__all__ = [
    "ANSWER_PREFIXES",
    "BOOLEAN_TYPES",
    "FORMAT_NAMES",
    "GRAPH_TYPES",
    "HTML",
    "PLAIN",
    "RDF_OFFERS",
    "RESULT_TYPES",
    "AnswerTooLarge",
    "Formats",
    "NotAcceptable",
    "QueryRefused",
    "QueryResult",
    "check_service",
    "choose_formats",
    "content_type",
    "is_bounded_lookup",
    "lookup_spelling",
    "media_type",
    "negotiate",
    "parse_accept",
    "service_allowed",
    "shape",
]
