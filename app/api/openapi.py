"""The OpenAPI 3.1 document, written from the declared operations (``calls.OPERATIONS``) and
the very pydantic models that validate the requests (their JSON Schema 2020-12 is what OpenAPI
3.1 uses); and the same document arranged for the readable page (``readable``)."""
import json
import re
from urllib.parse import quote

from flask import current_app
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from app.api.calls import API_PREFIX, ERRORS, OPERATIONS
from app.api.schemas import Error, FieldErrors
from app.standards.pdf import site_url

REF = "#/components/schemas/{model}"
DESCRIPTION = """县域体育工作台的诉求件接口，供 12345 热线平台等系统推送工单、读取期限和办理情况、回传回访结果。

每个请求在 Authorization 头中带上管理员签发的接口令牌：`Authorization: Bearer <令牌>`。令牌限定一个区划范围（省、市或县），
只能登记、读取该范围内的诉求件；范围外的诉求件一律答复 404。请求体为 JSON（UTF-8），小于 {max_kb} KB；
每个令牌每 {per} 秒最多 {calls} 次请求。"""
# The answers every call of a kind may get, beside its own.
TOKEN_ANSWERS = {401: "缺少、无效或已吊销的令牌", 429: "超过本令牌的请求频率（见 Retry-After 头）"}
BODY_ANSWERS = {400: "请求体不是 JSON 对象", 413: "请求体过大"}
HEADERS = {
    401: {"WWW-Authenticate": "Bearer realm=\"api\""},
    429: {"Retry-After": "多少秒后可以再试"},
    201: {"Location": "新诉求件的接口地址"},
}


def _models() -> list[tuple[type[BaseModel], str]]:
    seen: dict[type[BaseModel], str] = {Error: "serialization", FieldErrors: "serialization"}
    for op in OPERATIONS:
        for model in (op.body, op.query):
            if model is not None:
                seen[model] = "validation"
        for model, _ in op.answers.values():
            if model is not None:
                seen.setdefault(model, "serialization")
    return list(seen.items())


def document() -> dict:
    models = _models()
    refs, top = models_json_schema(models, ref_template=REF)
    schemas = top.get("$defs", {})
    paths: dict[str, dict] = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method.lower()] = _operation(op, refs, schemas)
    return {
        "openapi": "3.1.0",
        "info": {"title": "县域体育工作台 诉求件接口", "version": "1.0.0", "description": DESCRIPTION.format(
            max_kb=current_app.config["API_MAX_BODY"] // 1024, calls=current_app.config["API_RATE_LIMIT"][0],
            per=current_app.config["API_RATE_LIMIT"][1])},
        "servers": [{"url": site_url() + API_PREFIX}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer",
                                          "description": "管理员在“接口令牌”页面或用 flask api-token create 签发的令牌。"}},
        },
    }


def _operation(op, refs, schemas) -> dict:
    entry = {"operationId": op.endpoint.split(".", 1)[1], "summary": op.summary,
             "description": " ".join(line.strip() for line in (op.description or "").splitlines()).strip(),
             "tags": ["诉求件"] if "/cases" in op.path else ["基础数据"], "responses": {}}
    parameters = [{"name": name, "in": "path", "required": True, "schema": {"type": "string"},
                   "description": "诉求件编号（URL 编码），如 阳城体诉〔2026〕0001号"}
                  for name in re.findall(r"{(\w+)}", op.path)]
    if op.query is not None:
        query = _resolve(refs[(op.query, "validation")], schemas)
        for name, prop in query.get("properties", {}).items():
            parameters.append({"name": name, "in": "query", "required": name in query.get("required", []),
                               "description": prop.get("description", prop.get("title", "")), "schema": prop})
    if parameters:
        entry["parameters"] = parameters
    if op.body is not None:
        entry["requestBody"] = {"required": True, "content": {"application/json": {
            "schema": refs[(op.body, "validation")], "example": example(op.body, schemas, refs)}}}
    answers = dict(op.answers)
    for status, text in ({**(TOKEN_ANSWERS if op.token else {}), **(BODY_ANSWERS if op.body else {})}).items():
        answers.setdefault(status, (Error, text))
    if (op.body or op.query) and 422 not in answers:
        answers[422] = (FieldErrors, "字段有误")
    for status in sorted(answers):
        model, text = answers[status]
        response = {"description": text}
        if model is not None:
            response["content"] = {"application/json": {"schema": refs[(model, _mode(model, op))]}}
        if status in HEADERS:
            response["headers"] = {name: {"description": about, "schema": {"type": "string"}}
                                   for name, about in HEADERS[status].items()}
        entry["responses"][str(status)] = response
    if op.token:
        entry["security"] = [{"token": []}]
    return entry


def _mode(model, op) -> str:
    return "validation" if model in (op.body, op.query) else "serialization"


def _resolve(schema: dict, schemas: dict) -> dict:
    while "$ref" in schema:
        schema = schemas[schema["$ref"].rsplit("/", 1)[1]]
    return schema


def example(model: type[BaseModel], schemas: dict, refs: dict) -> dict:
    """A request body from the schema's own examples: every required field, and the optional
    ones that have an example."""
    schema = _resolve(refs[(model, "validation")], schemas)
    return {name: prop["examples"][0] for name, prop in schema.get("properties", {}).items() if prop.get("examples")}


# --------------------------------------------------------------------------- the readable page

def readable(doc: dict) -> list[dict]:
    """Each operation of ``doc`` as the docs page lists it: fields, answers and a curl example."""
    schemas = doc["components"]["schemas"]
    server = doc["servers"][0]["url"]
    pages = []
    for path, methods in doc["paths"].items():
        for method, entry in methods.items():
            body = entry.get("requestBody", {}).get("content", {}).get("application/json")
            fields = _fields(_resolve(body["schema"], schemas), schemas) if body else []
            params = [{"name": p["name"], "where": "路径" if p["in"] == "path" else "查询",
                       "type": _type(p["schema"], schemas), "required": p["required"],
                       "about": p.get("description", "")} for p in entry.get("parameters", [])]
            answers = [{"status": status, "about": r["description"],
                        "schema": r.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref", "")
                        .rsplit("/", 1)[-1]} for status, r in entry["responses"].items()]
            pages.append({"method": method.upper(), "path": API_PREFIX + path, "id": entry["operationId"],
                          "summary": entry["summary"], "description": entry["description"], "params": params,
                          "fields": fields, "answers": answers,
                          "curl": _curl(method.upper(), server + path, body["example"] if body else None)})
    return pages


def answer_schemas(doc: dict) -> list[dict]:
    """The answers' schemas, field by field, for the page's reference section."""
    schemas = doc["components"]["schemas"]
    return [{"name": name, "about": s.get("description", ""), "fields": _fields(s, schemas)}
            for name, s in schemas.items() if s.get("type") == "object" and not name.endswith("In")
            and name not in ("CaseQuery",)]


def _fields(schema: dict, schemas: dict) -> list[dict]:
    required = set(schema.get("required", []))
    return [{"name": name, "type": _type(prop, schemas), "required": name in required,
             "title": prop.get("title", ""), "about": prop.get("description", ""),
             "example": json.dumps(prop["examples"][0], ensure_ascii=False) if prop.get("examples") else ""}
            for name, prop in schema.get("properties", {}).items()]


def _type(prop: dict, schemas: dict) -> str:
    """A property's type in a few words: 字符串（≤60 字）, 取值之一：a、b, 对象 Deadline 的映射 …"""
    if "$ref" in prop:
        name = prop["$ref"].rsplit("/", 1)[1]
        target = schemas[name]
        return "取值之一：" + "、".join(target["enum"]) if "enum" in target else f"对象 {name}"
    if "anyOf" in prop:
        kinds = [_type(p, schemas) for p in prop["anyOf"] if p.get("type") != "null"]
        return " 或 ".join(kinds) + "，可为 null"
    if "enum" in prop:
        return "取值之一：" + "、".join(str(v) or "（空）" for v in prop["enum"])
    if "const" in prop:
        return f"固定为 {prop['const']}"
    kind = prop.get("type")
    if kind == "string":
        if prop.get("format") == "date-time":
            return "时间（ISO 8601，带时区偏移）"
        return f"字符串（不超过 {prop['maxLength']} 字）" if "maxLength" in prop else "字符串"
    if kind == "array":
        return f"数组，元素为{_type(prop.get('items', {}), schemas)}"
    if kind == "object" and "additionalProperties" in prop:
        return f"以种类为键、值为{_type(prop['additionalProperties'], schemas)}的对象"
    return {"integer": "整数", "boolean": "true/false", "object": "对象", "number": "数字"}.get(kind, "任意")


def _curl(method: str, url: str, body: dict | None) -> str:
    url = re.sub(r"{number}", quote("阳城体诉〔2026〕0001号"), url)
    lines = [f"curl -X {method}" if method != "GET" else "curl", '  -H "Authorization: Bearer $TOKEN"']
    if body is not None:
        lines.append('  -H "Content-Type: application/json"')
        lines.append("  -d '" + json.dumps(body, ensure_ascii=False) + "'")
    lines.append(f"  '{url}'")
    return " \\\n".join(lines)


ERROR_TABLE = [(status, code, text) for status, (code, text) in sorted(ERRORS.items())]
