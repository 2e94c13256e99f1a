class Open311Error(Exception):
    """An answer in the standard's error format: HTTP `status` (400, 403, 404, 429) and a
    description for the user (render.errors)."""

    def __init__(self, status: int, description: str, *, headers: dict | None = None):
        super().__init__(description)
        self.status = status
        self.description = description
        self.headers = headers or {}
