"""The DCAT catalogue read by a standard RDF client (rdflib), offline, and data.json
against the Project Open Data v1.1 required fields: every non-personal dataset's files
are found by a SPARQL query with sizes and SHA-256 equal to the published files; lists
of people have no download or access URL anywhere."""
import hashlib
import json
import os
import pathlib
import sys
import tomllib

from rdflib import Graph

public = pathlib.Path(os.environ["PUBLIC"])
site = pathlib.Path(os.environ["SITE"])
base = tomllib.loads((site / "config.toml").read_text("utf-8"))["base_url"].rstrip("/")
failed = 0


def ok(msg):
    print(f"ok   - {msg}")


def fail(msg):
    global failed
    failed += 1
    print(f"FAIL - {msg}")


def local(url):
    """https://host/a/b.csv -> PUBLIC/a/b.csv, or None when not on this site."""
    if not url.startswith(base + "/"):
        return None
    return public / url[len(base) + 1 :]


catalog_path = public / "du-lieu-mo" / "catalog.jsonld"
g = Graph()
try:
    # No base, no network: the context is inline, so rdflib needs nothing remote.
    g.parse(data=catalog_path.read_text("utf-8"), format="json-ld")
    ok(f"catalog.jsonld parses as RDF ({len(g)} triples)")
except Exception as e:  # noqa: BLE001 - any parse failure is the finding
    fail(f"catalog.jsonld does not parse as JSON-LD: {e}")
    print(f"{0} passed, {failed} failed")
    sys.exit(1)

PREFIXES = """
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX spdx: <http://spdx.org/rdf/terms#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
"""
ACCESS = "http://publications.europa.eu/resource/authority/access-right/"

catalogs = list(g.query(PREFIXES + "SELECT ?c ?name WHERE { ?c a dcat:Catalog ; dct:publisher/foaf:name ?name }"))
if len(catalogs) == 1:
    ok(f"one dcat:Catalog, published by {catalogs[0].name}")
else:
    fail(f"expected one dcat:Catalog with a named publisher, found {len(catalogs)}")

rows = g.query(
    PREFIXES
    + """
SELECT ?ds ?title ?url ?size ?sum WHERE {
  ?cat a dcat:Catalog ; dcat:dataset ?ds .
  ?ds dct:title ?title ; dct:accessRights ?rights ; dcat:distribution ?d .
  FILTER (?rights = <%sPUBLIC>)
  ?d dcat:downloadURL ?url ; dcat:byteSize ?size ;
     spdx:checksum [ spdx:algorithm spdx:checksumAlgorithm_sha256 ; spdx:checksumValue ?sum ] .
}"""
    % ACCESS
)
found = {}
for r in rows:
    found.setdefault(str(r.ds), []).append(r)
if not found:
    fail("SPARQL finds no open dataset with downloads")
for ds, files in sorted(found.items()):
    bad = []
    for r in files:
        path = local(str(r.url))
        if path is None or not path.is_file():
            bad.append(f"{r.url}: not a published file")
            continue
        data = path.read_bytes()
        if int(r.size) != len(data):
            bad.append(f"{r.url}: byteSize {r.size} but the file has {len(data)} bytes")
        if str(r.sum).lower() != hashlib.sha256(data).hexdigest():
            bad.append(f"{r.url}: checksum differs from the file's SHA-256")
    if bad:
        fail(f"{files[0].title}: " + "; ".join(bad))
    else:
        ok(f"{files[0].title}: {len(files)} files, sizes and SHA-256 match")

# Every open dataset has files; every list of people has none.
datasets = list(
    g.query(PREFIXES + "SELECT ?ds ?title ?rights WHERE { ?ds a dcat:Dataset ; dct:title ?title ; dct:accessRights ?rights }")
)
for r in datasets:
    personal = str(r.rights) != ACCESS + "PUBLIC"
    if not personal and str(r.ds) not in found:
        fail(f"{r.title}: an open dataset without files")
    if personal:
        urls = list(
            g.query(
                PREFIXES
                + "SELECT ?u WHERE { ?ds dcat:distribution ?d . { ?d dcat:downloadURL ?u } UNION { ?d dcat:accessURL ?u } }",
                initBindings={"ds": r.ds},
            )
        )
        if urls:
            fail(f"{r.title}: a list of people offers {len(urls)} URLs")
        else:
            ok(f"{r.title}: a list of people, described without download URL")

# Nothing in the graph points at a file of a list of people.
personal_pages = [str(r.ds).split("#")[0] for r in datasets if str(r.rights) != ACCESS + "PUBLIC"]
for s, p, o in g:
    if str(p).endswith(("downloadURL", "accessURL")):
        for page in personal_pages:
            if str(o).startswith(page):
                fail(f"{o} (a list of people's file) is offered as {p}")

# data.json: Project Open Data v1.1, the required fields of every dataset.
pod = json.loads((public / "data.json").read_text("utf-8"))
if pod.get("conformsTo") == "https://project-open-data.cio.gov/v1.1/schema":
    ok("data.json conforms to POD v1.1")
else:
    fail(f"data.json conformsTo is {pod.get('conformsTo')!r}")
required = ["title", "description", "keyword", "modified", "publisher", "contactPoint", "identifier", "accessLevel"]
for d in pod.get("dataset", []):
    missing = [k for k in required if not d.get(k)]
    problems = []
    if missing:
        problems.append(f"missing {missing}")
    if not d.get("publisher", {}).get("name"):
        problems.append("publisher without name")
    cp = d.get("contactPoint", {})
    if not cp.get("fn") or not str(cp.get("hasEmail", "")).startswith("mailto:"):
        problems.append("contactPoint needs fn and a mailto: hasEmail")
    if d.get("accessLevel") not in ("public", "restricted public", "non-public"):
        problems.append(f"accessLevel {d.get('accessLevel')!r}")
    dist = d.get("distribution", [])
    if d.get("accessLevel") == "public":
        if not dist:
            problems.append("public without distribution")
        for f in dist:
            path = local(f.get("downloadURL", ""))
            if path is None or not path.is_file():
                problems.append(f"{f.get('downloadURL')} is not a published file")
            if "/" not in f.get("mediaType", ""):
                problems.append(f"{f.get('downloadURL')} has no mediaType")
    else:
        if any(f.get("downloadURL") or f.get("accessURL") for f in dist):
            problems.append("a list of people with a download URL")
        if not d.get("rights"):
            problems.append("rights is required when accessLevel is not public")
    if problems:
        fail(f"data.json {d.get('title')}: " + "; ".join(problems))
    else:
        ok(f"data.json {d.get('title')} ({d.get('accessLevel')})")
if len(pod.get("dataset", [])) != len(datasets):
    fail(f"data.json has {len(pod.get('dataset', []))} datasets, the DCAT catalogue {len(datasets)}")

sys.exit(1 if failed else 0)
