#!/usr/bin/env bash
# Validates every YAML manifest under deploy/ offline, against the Kubernetes OpenAPI schemas.
#
# - Built-in kinds (the CRDs themselves, RBAC for both install models, the operator Deployments, and what the
#   reconciler renders for the sample NautheraServer under deploy/examples/rendered/) are validated with the
#   third-party `kubernetes-validate` package in strict mode (unknown fields are errors) against Kubernetes
#   $K8S_VERSION, the oldest version the operator supports (k8s-openapi feature v1_33).
# - Custom resources (deploy/examples/*.yaml: a NautheraServer and an OAuth2Client) are validated with the
#   `jsonschema` package (a dependency of kubernetes-validate) against the openAPIV3Schema of the generated
#   CRDs, with unknown fields rejected as the API server's pruning would drop them.
# - A kind with no schema is an error, and a self-test first checks that an invalid manifest is rejected.
#
# Regenerate deploy/ first if the code changed: cargo run -p nauthera-operator -- manifests deploy/
# Exits non-zero on any invalid manifest. Needs python3 with venv and access to PyPI (or a warm venv).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

KUBERNETES_VALIDATE_VERSION="1.37.0"
K8S_VERSION="${K8S_VERSION:-1.33.0}"
VENV="target/manifest-validation-venv"
MARKER="$VENV/.kubernetes-validate-$KUBERNETES_VALIDATE_VERSION"

if [[ ! -f "$MARKER" ]]; then
    echo "==> Creating $VENV with kubernetes-validate==$KUBERNETES_VALIDATE_VERSION"
    rm -rf "$VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION"
    touch "$MARKER"
fi

mapfile -t FILES < <(find deploy -name '*.yaml' -o -name '*.yml' | sort)
if [[ ${#FILES[@]} -eq 0 ]]; then
    echo "no manifests found under deploy/" >&2
    exit 1
fi

exec "$VENV/bin/python" - "$K8S_VERSION" "${FILES[@]}" <<'PYTHON'
import copy
import sys

import jsonschema
import kubernetes_validate.utils as kv
import yaml

version, files = sys.argv[1], sys.argv[2:]


def load(path):
    with open(path) as f:
        return [doc for doc in yaml.safe_load_all(f) if doc]


def strict_schema(schema):
    """An OpenAPI v3 CRD schema as JSON Schema: `nullable` allows null, unknown fields are rejected."""
    schema = copy.deepcopy(schema)

    def walk(node):
        if isinstance(node, dict):
            if node.get("nullable") and "type" in node:
                node["type"] = [node["type"], "null"]
            if "properties" in node and "additionalProperties" not in node \
                    and not node.get("x-kubernetes-preserve-unknown-fields"):
                node["additionalProperties"] = False
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    # Every object has apiVersion, kind and metadata, which the API server validates itself.
    schema.setdefault("properties", {})
    for field in ("apiVersion", "kind"):
        schema["properties"].setdefault(field, {"type": "string"})
    schema["properties"].setdefault("metadata", {"type": "object"})
    return schema


def validate_builtin(doc):
    kv.validate(doc, version, strict=True)


def name_of(doc):
    return f"{doc.get('kind')}/{doc.get('metadata', {}).get('name')}"


documents = [(path, doc) for path in files for doc in load(path)]

crd_schemas = {}
for path, doc in documents:
    if doc.get("kind") == "CustomResourceDefinition":
        spec = doc["spec"]
        for served in spec["versions"]:
            key = (f"{spec['group']}/{served['name']}", spec["names"]["kind"])
            crd_schemas[key] = strict_schema(served["schema"]["openAPIV3Schema"])

# Self-test: the validators must reject what is invalid.
for bad, check in [
    ({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x"},
      "spec": {"replicas": "two", "selector": {}, "template": {}}}, validate_builtin),
    ({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x"},
      "spec": {"selector": {}, "template": {}, "replica": 1}}, validate_builtin),
]:
    try:
        check(bad)
    except Exception:
        continue
    print(f"FATAL self-test: an invalid manifest was accepted: {bad}")
    sys.exit(2)
if crd_schemas:
    schema = crd_schemas.get(("nauthera.io/v1alpha1", "NautheraServer"))
    bad = {"apiVersion": "nauthera.io/v1alpha1", "kind": "NautheraServer", "metadata": {"name": "x"},
           "spec": {"version": "1", "issuerUrl": "https://x", "database": {"managed": {}}, "replica": 3}}
    if schema is None or jsonschema.Draft202012Validator(schema).is_valid(bad):
        print("FATAL self-test: an invalid NautheraServer was accepted")
        sys.exit(2)

failures, builtin, custom = [], 0, 0
for path, doc in documents:
    key = (doc.get("apiVersion"), doc.get("kind"))
    try:
        if key in crd_schemas:
            errors = sorted(jsonschema.Draft202012Validator(crd_schemas[key]).iter_errors(doc), key=str)
            if errors:
                where = ".".join(str(part) for part in errors[0].absolute_path)
                raise ValueError(f"{where}: {errors[0].message}")
            custom += 1
            kind_of_check = "CRD schema"
        else:
            validate_builtin(doc)
            builtin += 1
            kind_of_check = f"Kubernetes {version}"
        print(f"ok    {path}: {name_of(doc)} ({kind_of_check})")
    except kv.ValidationError as error:
        where = ".".join(str(part) for part in error.path)
        failures.append(f"{path}: {name_of(doc)}: {where}: {error.message}")
    except kv.SchemaNotFoundError as error:
        failures.append(f"{path}: {name_of(doc)}: no schema: {error.message}")
    except Exception as error:  # noqa: BLE001 - every failure is reported the same way
        failures.append(f"{path}: {name_of(doc)}: {error}")

for failure in failures:
    print(f"FAIL  {failure}")
total = builtin + custom + len(failures)
print(f"\n{len(files)} files, {total} manifests: {builtin} built-in validated against Kubernetes {version} "
      f"(strict), {custom} custom resources validated against the generated CRDs, {len(failures)} invalid")
sys.exit(1 if failures else 0)
PYTHON
