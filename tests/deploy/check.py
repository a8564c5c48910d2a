#!/usr/bin/env python3
"""Checks of tests/deploy/run.sh against the local S3 endpoint (boto3).

usage: check.py WORKSPACE ENDPOINT BUCKET            every object: set, bytes, type, cache
       check.py WORKSPACE ENDPOINT BUCKET --stamp F  save each object's LastModified and
                                                      each local file's hash to F
       check.py WORKSPACE ENDPOINT BUCKET --same F   after a rebuild and re-sync: only the
                                                      files whose bytes changed were uploaded
                                                      again, removed ones deleted; then all
Prints "ok   - …" / "FAIL - …"; exit 1 when something failed.
"""
import hashlib
import json
import os
import re
import sys

import boto3

ws, endpoint, bucket = sys.argv[1:4]
s3 = boto3.client(
    "s3", endpoint_url=endpoint, aws_access_key_id="test",
    aws_secret_access_key="test", region_name="us-east-1",
)
failed = 0


def check(ok, what):
    global failed
    print(("ok   - " if ok else "FAIL - ") + what)
    if not ok:
        failed += 1


def objects():
    out = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for o in page.get("Contents", []):
            out[o["Key"]] = o
    return out


def local_trees():
    """prefix → {relative path: absolute path} of every output to sync."""
    trees = {}
    sites = os.path.join(ws, "sites")
    for name in sorted(os.listdir(sites)):
        if os.path.isdir(os.path.join(sites, name)):
            trees[name] = os.path.join(sites, name, "public")
    trees["_tinh"] = os.path.join(ws, "public")
    out = {}
    for prefix, root in trees.items():
        files = {}
        for d, _, fs in os.walk(root):
            for f in fs:
                p = os.path.join(d, f)
                rel = os.path.relpath(p, root)
                if any(part.startswith(".congkhai-") for part in rel.split(os.sep)):
                    continue
                files[rel.replace(os.sep, "/")] = p
        out[prefix] = files
    return out


FP = re.compile(r"\.[0-9a-f]{10}\.css$")
TYPES = {
    "html": "text/html; charset=utf-8",
    "ics": "text/calendar; charset=utf-8",
    "geojson": "application/geo+json",
    "jsonld": "application/ld+json",
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "css": "text/css; charset=utf-8",
    "js": "text/javascript; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
    "svg": "image/svg+xml",
}


def expected(rel):
    ext = rel.rsplit(".", 1)[-1]
    name = rel.rsplit("/", 1)[-1]
    if FP.search(rel):
        return "text/css; charset=utf-8", "public, max-age=31536000, immutable"
    if ext == "html":
        return TYPES["html"], "public, max-age=300"
    if name == "atom.xml":
        return "application/atom+xml; charset=utf-8", "public, max-age=3600"
    if ext == "xml":
        return "application/xml; charset=utf-8", "public, max-age=3600"
    return TYPES.get(ext), "public, max-age=3600"


def full_check():
    have = objects()
    seen_types = set()
    for prefix, files in local_trees().items():
        keys = {k[len(prefix) + 1:] for k in have if k.startswith(prefix + "/")}
        check(keys == set(files), f"{prefix}: the bucket holds exactly the {len(files)} files of its output"
              + ("" if keys == set(files) else f" (missing {sorted(set(files) - keys)[:5]}, extra {sorted(keys - set(files))[:5]})"))
        bad = []
        for rel, path in sorted(files.items()):
            key = f"{prefix}/{rel}"
            if key not in have:
                continue
            head = s3.head_object(Bucket=bucket, Key=key)
            body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
            with open(path, "rb") as f:
                local = f.read()
            if hashlib.sha256(body).digest() != hashlib.sha256(local).digest():
                bad.append(f"{key}: bytes differ")
            ctype, cache = expected(rel)
            got_type = head.get("ContentType", "")
            if ctype and got_type != ctype:
                bad.append(f"{key}: Content-Type {got_type!r}, want {ctype!r}")
            if head.get("CacheControl") != cache:
                bad.append(f"{key}: Cache-Control {head.get('CacheControl')!r}, want {cache!r}")
            seen_types.add((rel.rsplit(".", 1)[-1] if not FP.search(rel) else "fingerprinted-css", got_type))
        check(not bad, f"{prefix}: bytes, Content-Type and Cache-Control of every object" + ("" if not bad else ":\n  " + "\n  ".join(bad[:10])))
    for kind, want in [
        ("ics", "text/calendar; charset=utf-8"),
        ("geojson", "application/geo+json"),
        ("html", "text/html; charset=utf-8"),
        ("jsonld", "application/ld+json"),
        ("fingerprinted-css", "text/css; charset=utf-8"),
    ]:
        check((kind, want) in seen_types, f"at least one {kind} stored as {want}")


def stamps():
    return {k: o["LastModified"].isoformat() for k, o in objects().items()}


def local_hashes():
    out = {}
    for prefix, files in local_trees().items():
        for rel, path in files.items():
            with open(path, "rb") as f:
                out[f"{prefix}/{rel}"] = hashlib.sha256(f.read()).hexdigest()
    return out


if len(sys.argv) > 5 and sys.argv[4] == "--stamp":
    with open(sys.argv[5], "w") as f:
        json.dump({"s3": stamps(), "local": local_hashes()}, f)
elif len(sys.argv) > 5 and sys.argv[4] == "--same":
    with open(sys.argv[5]) as f:
        before = json.load(f)
    after = stamps()
    now = local_hashes()
    rewritten = {k for k, h in now.items() if before["local"].get(k) != h}
    changed = sorted(k for k in after if k in before["s3"] and after[k] != before["s3"][k])
    unexpected = [k for k in changed if k not in rewritten]
    check(not unexpected, f"a re-sync re-uploads only the files whose bytes changed ({len(changed)} of {len(after)}; {len(rewritten)} changed locally)"
          + ("" if not unexpected else f": also {unexpected[:10]}"))
    gone = sorted(set(before["s3"]) - set(after))
    check(bool(gone), f"a re-sync deletes what the new output no longer has ({len(gone)}: {gone[:3]})")
    full_check()
else:
    full_check()
sys.exit(1 if failed else 0)
