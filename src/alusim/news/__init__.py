"""From news to scenario: draft dated, sourced scenario events from an industry article, offline.

``draft_from_text(text, published=...)`` returns a :class:`NewsDraft` (events, observations, spans);
``alusim news ARTICLE`` prints it beside the quotes and writes a draft scenario (docs/news.md).
"""

from alusim.news.article import Article, read_article
from alusim.news.extract import draft_from_text
from alusim.news.records import NewsDraft, Observation, ProposedEvent

__all__ = ["Article", "NewsDraft", "Observation", "ProposedEvent", "draft_from_text", "read_article"]
