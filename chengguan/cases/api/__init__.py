"""The cases REST API (``/api/v1/``): serializers, filters, views and URLs."""
