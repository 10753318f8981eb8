"""Helpers that own no models: configuration, hashing, time, documents."""
