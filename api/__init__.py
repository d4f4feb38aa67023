"""The HTTP layer: routers that parse requests, check access, call one service, return schemas."""
