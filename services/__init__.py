"""Rapport's business logic: models, database, settings, errors and domain services.

Nothing in this package imports FastAPI; the API, the worker and the CLI all call into it.
"""
