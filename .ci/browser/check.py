"""Checks .ci/browser.sh's results. Usage:
  check.py docs DOM_FILE OPENAPI_FILE   every mode and action of the document, and every admin API
                                        operation, is on the rendered page
  check.py cors DOM_FILE                the cross-origin page's requests all succeeded, with headers
  check.py curl OPENAPI_FILE            prints each action's documented cURL line, NUL-separated
"""
import html
import json
import re
import sys


def actions(openapi):
    return json.load(open(openapi))["x-actions"]


def docs(dom_file, openapi):
    dom = open(dom_file, encoding="utf-8").read()
    if 'data-rendered="true"' not in dom:
        sys.exit("FAIL docs: Redoc did not finish rendering (no data-rendered)")
    text = html.unescape(re.sub(r"<[^>]+>", " ", dom))
    missing = []
    for a in actions(openapi):
        # Every mode is a section of the menu; every action is in its mode's table and cURL lines.
        if not re.search(r"(^|\s)%s(\s|$)" % re.escape(a["mode"]), text):
            missing.append("mode " + a["mode"])
        ident = a["mode"] + ("." + a["action"] if a["action"] else "")
        if ident not in text:
            missing.append("action " + ident)
    # The admin API's section: its menu group, and every operation's summary and path.
    admin = json.load(open(openapi)).get("x-admin-operations", [])
    if not admin:
        missing.append("the admin API (no x-admin-operations in the document)")
    if not re.search(r"Admin API \(port \d+\)", text):
        missing.append("the menu group Admin API (port N)")
    for o in admin:
        if o["summary"] not in text:
            missing.append("admin operation " + o["summary"])
        if o["path"] not in text:
            missing.append("admin path " + o["path"])
    for path in ("/api/users", "/api/users/{username}", "/api/plans"):
        if not re.search(r"(^|\s)%s(\s|$)" % re.escape(path), text):
            missing.append("admin path " + path)
    if missing:
        sys.exit("FAIL docs: not on the page: " + ", ".join(sorted(set(missing))))
    modes = sorted({a["mode"] for a in actions(openapi)})
    print(f"ok   docs: {len(modes)} modes and {len(actions(openapi))} actions on the page: {', '.join(modes)}")
    print(f"ok   docs: {len(admin)} admin API operations on the page")


def cors(dom_file):
    dom = open(dom_file, encoding="utf-8").read()
    m = re.search(r'<pre id="result"[^>]*data-done="true"[^>]*>(.*?)</pre>', dom, re.S)
    if not m:
        sys.exit("FAIL cors: the page did not finish: " + dom[-2000:])
    result = json.loads(html.unescape(m.group(1)))
    reqs = result["requests"]
    problems = []
    if len(reqs) != 4:
        problems.append(f"{len(reqs)} requests, want 4 (auth, profile, create organization, stats with a key header)")
    for r in reqs:
        if "error" in r:
            problems.append("error: " + r["error"])
            continue
        if r["http"] != 200 or (r["answer"] or {}).get("status") != "success":
            problems.append(f"{r['request']}: {r['http']} {r['answer']}")
        if not r["requestId"]:
            problems.append(f"{r['request']}: X-Request-ID not readable (not exposed?)")
        if "mode=auth" not in r["request"] and not all((r["rateLimit"] or {}).values()):
            problems.append(f"{r['request']}: X-RateLimit-* not readable: {r['rateLimit']}")
    if problems:
        sys.exit("FAIL cors from %s:\n  %s" % (result.get("origin"), "\n  ".join(problems)))
    for r in reqs:
        print(f"ok   cors {r['request']}: {r['http']} {r['answer']['message']!r} rate limit {r['rateLimit']}")


def curl_lines(openapi):
    doc = json.load(open(openapi))
    for a in doc["x-actions"]:
        op = doc["paths"][a["path"]][a["method"].lower()]
        sys.stdout.write(op["x-codeSamples"][0]["source"] + "\0")


if __name__ == "__main__":
    {"docs": docs, "cors": cors, "curl": curl_lines}[sys.argv[1]](*sys.argv[2:])
