"""Checks JSON documents on stdin (one per line) against one definition of docs/tool-json.schema.json.

usage: check_tool_json.py SCHEMA DEFINITION

Prints "ok N" (the number of documents) and exits 0, or prints the first violation (the document's line, the
path inside it, the reason) and exits 1. Blank input is a violation: a command that printed nothing failed.
"""
import json
import sys

import jsonschema


def main() -> int:
    schema_path, definition = sys.argv[1], sys.argv[2]
    with open(schema_path, encoding="utf-8") as handle:
        schema = json.load(handle)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator({"$ref": f"#/$defs/{definition}", "$defs": schema["$defs"]})
    count = 0
    for number, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        document = json.loads(line)
        errors = sorted(validator.iter_errors(document), key=lambda error: list(error.absolute_path))
        if errors:
            first = errors[0]
            path = "/".join(str(part) for part in first.absolute_path)
            print(f"line {number}: at '{path}': {first.message}")
            return 1
        count += 1
    if count == 0:
        print("no documents on stdin")
        return 1
    print(f"ok {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
