from __future__ import annotations

import httpx

HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


async def operations(client: httpx.AsyncClient) -> list[tuple[str, str, dict]]:  # type: ignore[type-arg]
    response = await client.get("/api/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    return [
        (method.upper(), path, operation)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if method in HTTP_METHODS
    ]


async def test_every_api_operation_has_a_summary(client: httpx.AsyncClient) -> None:
    found = [(m, p, op) for m, p, op in await operations(client) if p.startswith("/api/v1/")]
    assert len(found) >= 14
    missing = [f"{m} {p}" for m, p, op in found if not op.get("summary", "").strip()]
    assert not missing, f"add summary= to these operations: {missing}"


async def test_every_api_operation_documents_the_error_shape(client: httpx.AsyncClient) -> None:
    for method, path, op in await operations(client):
        if not path.startswith("/api/v1/"):
            continue
        errors = {code: r for code, r in op["responses"].items() if code.startswith("4")}
        assert {"401", "404", "422"} <= set(errors), f"{method} {path}: add ERROR_RESPONSES"
        schema = errors["404"]["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/ErrorOut"}, (method, path)


async def test_list_endpoints_share_the_paging_parameters(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/api/openapi.json")).json()
    pages = [name for name in spec["components"]["schemas"] if name.startswith("Page_")]
    assert pages
    for name in pages:
        assert {"items", "total", "limit", "offset"} <= set(
            spec["components"]["schemas"][name]["properties"]
        )
    for method, path, op in await operations(client):
        ref = (
            op["responses"]
            .get("200", {})
            .get("content", {})
            .get("application/json", {})
            .get("schema", {})
            .get("$ref", "")
        )
        if ref.startswith("#/components/schemas/Page_"):
            params = {p["name"]: p for p in op.get("parameters", [])}
            assert params["limit"]["schema"]["maximum"] == 200, (method, path)
            assert "offset" in params, (method, path)
