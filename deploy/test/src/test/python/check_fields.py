"""Check Kubernetes manifests against the API models of the Kubernetes Python client.

Usage: /usr/bin/python3 check_fields.py FILE...

Every document of a kind the client models (core and apps objects) is walked field by field:
a field the model does not declare, or a value of the wrong YAML type, is printed as
FILE: Kind/name: path: problem. Kinds the client does not model (custom resources such as
ServiceMonitor) are listed as skipped. Exit code 0 when no problem was found, 1 otherwise.
The models are those of the installed client (Debian 12: version 22.6, Kubernetes 1.22 API).
"""

import re
import sys

import yaml
from kubernetes import client

PRIMITIVES = {
    "str": str,
    "int": int,
    "bool": bool,
    "float": (int, float),
}


def model_name(document):
    """Return the client's model class name for apiVersion and kind, e.g. V1DaemonSet."""
    group_version = document.get("apiVersion", "")
    version = group_version.split("/")[-1]
    return version[:1].upper() + version[1:] + document.get("kind", "")


def check(value, type_name, path, problems):
    """Append to problems every field of value that type_name does not allow."""
    if value is None or type_name == "object":
        return
    if type_name in PRIMITIVES:
        if isinstance(value, bool) and type_name != "bool":
            problems.append(f"{path}: expected {type_name}, found a boolean")
        elif not isinstance(value, PRIMITIVES[type_name]):
            problems.append(f"{path}: expected {type_name}, found {value!r}")
        return
    if type_name == "datetime":
        return
    match = re.fullmatch(r"list\[(.+)\]", type_name)
    if match:
        if not isinstance(value, list):
            problems.append(f"{path}: expected a list, found {value!r}")
            return
        for index, item in enumerate(value):
            check(item, match.group(1), f"{path}[{index}]", problems)
        return
    match = re.fullmatch(r"dict\(str, (.+)\)", type_name)
    if match:
        if not isinstance(value, dict):
            problems.append(f"{path}: expected a mapping, found {value!r}")
            return
        for key, item in value.items():
            check(item, match.group(1), f"{path}.{key}", problems)
        return
    model = getattr(client, type_name, None)
    if model is None:
        problems.append(f"{path}: the client has no model {type_name}")
        return
    if not isinstance(value, dict):
        problems.append(f"{path}: expected a {type_name} mapping, found {value!r}")
        return
    fields = {json: attribute for attribute, json in model.attribute_map.items()}
    for key, item in value.items():
        if key not in fields:
            problems.append(f"{path}.{key}: {type_name} has no field {key}")
            continue
        check(item, model.openapi_types[fields[key]], f"{path}.{key}", problems)


def main(files):
    failed = False
    for file in files:
        with open(file, encoding="utf-8") as stream:
            documents = [document for document in yaml.safe_load_all(stream) if document]
        for document in documents:
            name = f"{document.get('kind')}/{document.get('metadata', {}).get('name')}"
            type_name = model_name(document)
            if getattr(client, type_name, None) is None:
                print(f"{file}: {name}: skipped, the client has no model {type_name}")
                continue
            problems = []
            check(document, type_name, "", problems)
            for problem in problems:
                print(f"{file}: {name}: {problem}")
            failed = failed or bool(problems)
            if not problems:
                print(f"{file}: {name}: ok ({type_name})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
