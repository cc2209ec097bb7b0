"""Theme jobs. Assignment of new conversations arrives with issue 3."""


def enqueue_assign_conversations(conversation_ids: list[int]) -> None:
    """Queue embed + assign for newly submitted conversations (no-op until themes exist)."""
    return None
