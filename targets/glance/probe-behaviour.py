#!/usr/bin/env python3
"""Probes a Glance started by run-glance.sh and prints the markdown tables used in BEHAVIOUR.md.

    targets/glance/run-glance.sh python3 targets/glance/probe-behaviour.py > /tmp/probe.md

Every request is a plain `curl --path-as-is` so the exact bytes of the path reach Glance;
the command template is printed with the results. Stdlib only (no npm install needed).
"""
import json
import os
import subprocess
import tempfile
import urllib.parse
import uuid

E = os.environ["IMS_ENDPOINT"]
IMG = os.environ["IMS_IMAGE_ID"]
OTHER = os.environ["IMS_OTHER_IMAGE_ID"]
tmp = tempfile.mkdtemp()


def enc(s):
    # Same bytes as JavaScript's encodeURIComponent for well-formed strings.
    return urllib.parse.quote(s, safe="!~*'()")


def curl(method, path, accept=None):
    hdr, body = os.path.join(tmp, "h"), os.path.join(tmp, "b")
    cmd = ["curl", "-sS", "--path-as-is", "-X", method, "-D", hdr, "-o", body,
           "-w", "%{http_code}", "-m", "20"]
    if accept:
        cmd += ["-H", "Accept: " + accept]
    out = subprocess.run(cmd + [E + path], capture_output=True, text=True)
    with open(body, "rb") as f:
        b = f.read()
    with open(hdr, "rb") as f:
        h = f.read().decode("latin-1")
    headers = {}
    for line in h.split("\r\n")[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    return int(out.stdout or 0), b, headers


def short(b, n=200):
    """First n bytes, whitespace runs collapsed so a table cell stays readable."""
    t = b[:n].decode("utf-8", "replace")
    t = " ".join(t.split())
    return t.replace("|", "\\|") or "(empty)"


def cell(s):
    if len(s) > 40:  # keep long tags readable: prefix + length
        return cell(s[:8]) + f"…({len(s)} chars)"
    return "`" + json.dumps(s, ensure_ascii=True)[1:-1].replace("|", "\\|").replace("`", "\\`") + "`"


def tags(img=IMG):
    st, b, _ = curl("GET", f"/v2/images/{img}")
    return json.loads(b)["tags"] if st == 200 else None


def create_image(name):
    r = subprocess.run(["curl", "-sS", "-X", "POST", E + "/v2/images", "-H", "Content-Type: application/json",
                        "-d", json.dumps({"name": name, "container_format": "bare", "disk_format": "raw"})],
                       capture_output=True, text=True)
    return json.loads(r.stdout)["id"]


def stored_seg(t):
    # Glance stores the Latin-1 reading of the path bytes, so re-encode that way to address it.
    try:
        return urllib.parse.quote(t.encode("latin-1"), safe="!~*'()")
    except UnicodeEncodeError:
        return enc(t)


def clear(img=IMG):
    for t in tags(img):
        curl("DELETE", f"/v2/images/{img}/tags/{stored_seg(t)}")


def row(*cols):
    print("| " + " | ".join(str(c) for c in cols) + " |")


def sb(r):
    st, b, h = r
    return f"{st} {short(b)}"


base = f"/v2/images/{IMG}/tags/"
clear()
print("Command template: `curl -sS --path-as-is -X METHOD -D hdr -o body -w '%{http_code}' "
      f"\"$IMS_ENDPOINT/v2/images/$IMS_IMAGE_ID/tags/SEGMENT\"`\n")

# ---- basic lifecycle ----
print("### Basic lifecycle\n")
row("step", "request", "status + first 200 bytes of body (whitespace collapsed)", "relevant headers")
row("---", "---", "---", "---")
def basic(step, method, path, accept=None):
    st, b, h = curl(method, path, accept)
    hs = ", ".join(f"{k}: {h[k]}" for k in ("content-type", "content-length", "allow") if k in h)
    shown = f"{st} {short(b)}"
    if method == "GET" and st == 200:
        shown += " … **tags: " + json.dumps(json.loads(b)["tags"]) + "**"
    row(step, f"`{method} {path.replace(IMG, '{id}').replace(OTHER, '{other}')}`"
        + (f" Accept: {accept}" if accept else ""), shown, hs)
    return st
basic("PUT new tag", "PUT", base + "t1")
basic("PUT same tag again", "PUT", base + "t1")
basic("GET image", "GET", f"/v2/images/{IMG}")
basic("DELETE it", "DELETE", base + "t1")
basic("DELETE again", "DELETE", base + "t1")
basic("DELETE never-set tag", "DELETE", base + "never-set")
basic("same, Accept: application/json", "DELETE", base + "never-set", "application/json")
ru = str(uuid.uuid4())
basic("DELETE, unknown image (random UUID " + ru + ")", "DELETE", f"/v2/images/{ru}/tags/t1")
basic("same, Accept: application/json", "DELETE", f"/v2/images/{ru}/tags/t1", "application/json")
basic("DELETE, malformed image id", "DELETE", "/v2/images/not-a-uuid/tags/t1")
basic("DELETE, malformed id (encoded %ZZ)", "DELETE", "/v2/images/%ZZ/tags/t1")
basic("PUT t1 on image 1 only", "PUT", base + "t1")
basic("DELETE t1 on the other image", "DELETE", f"/v2/images/{OTHER}/tags/t1")
basic("DELETE empty tag (trailing slash)", "DELETE", base)
basic("DELETE no tag segment", "DELETE", f"/v2/images/{IMG}/tags")
basic("GET on the tag route", "GET", base + "t1")
basic("DELETE invalid UTF-8 `%E9`", "DELETE", base + "%E9")
basic("DELETE invalid UTF-8 `%FF`", "DELETE", base + "%FF")
basic("DELETE invalid UTF-8 `a%80b`", "DELETE", base + "a%80b")
basic("same, Accept: application/json", "DELETE", base + "a%80b", "application/json")
basic("PUT invalid UTF-8 `%E9`", "PUT", base + "%E9")
basic("DELETE `%E9` on unknown image", "DELETE", f"/v2/images/{uuid.uuid4()}/tags/%E9")
basic("DELETE t1 (cleanup)", "DELETE", base + "t1")
basic("GET image (tags back to [])", "GET", f"/v2/images/{IMG}")

# ---- per-value round trips ----
print("\n### Tag values: PUT encoded, GET stored form, DELETE same encoding\n")
row("tag (JSON-escaped)", "segment sent", "PUT", "stored as (JSON-escaped)", "stored == sent?", "DELETE", "gone after DELETE?")
row("---", "---", "---", "---", "---", "---", "---")

def roundtrip(label, tag, seg=None, del_seg=None):
    seg = enc(tag) if seg is None else seg
    del_seg = seg if del_seg is None else del_seg
    before = set(tags())
    p = curl("PUT", base + seg)
    after = tags()
    new = [t for t in after if t not in before]
    stored = cell(new[0]) if len(new) == 1 else ("(nothing new)" if not new else ", ".join(cell(t) for t in new))
    same = "yes" if new == [tag] else ("n/a" if not new else "**no**")
    d = curl("DELETE", base + del_seg)
    gone = tags()
    left = [t for t in gone if t not in before]
    row(label if label else cell(tag), cell(seg), sb(p), stored, same, sb(d),
        "yes" if not left else "**no**, still " + ", ".join(cell(t) for t in left))
    clear()  # keep later rows independent

for t in ["a b", " lead", "trail ", "a\tb", "中文", "😀", "e\u0301", "\u00e9"]:
    roundtrip(None, t)
for ch in "/?#[]@!$&'()*+,;=:":
    roundtrip(None, "x" + ch + "y")
for t in ["%", "x%y", "%25", "%2F", "%zz", "x\\y", 'x"y', "<>", "../x"]:
    roundtrip(None, t)
roundtrip("`.` raw", ".", ".")
roundtrip("`.` encoded", ".", "%2E")
roundtrip("`..` raw", "..", "..")
roundtrip("`..` encoded", "..", "%2E%2E")
roundtrip("`../x` raw slash", "../x", "../x")
for n in [36, 128, 255, 256, 1024]:
    roundtrip(f"`a`×{n}", "a" * n, "a" * n)

# ---- semantics ----
print("\n### Semantics\n")
row("question", "requests", "result")
row("---", "---", "---")
def seq(question, steps, image=IMG):
    res = []
    for m, seg in steps:
        st, b, _ = curl(m, f"/v2/images/{image}/tags/{seg}")
        res.append(f"{m} `{seg}` → {st}")
    res.append("tags now: " + ", ".join(cell(t) for t in tags(image)))
    row(question, "; ".join(f"{m} `{s}`" for m, s in steps), "; ".join(res))
    clear(image)
seq("raw `+` in DELETE means `+`?", [("PUT", "a%2Bb"), ("DELETE", "a+b")])
seq("raw `+` in DELETE means space?", [("PUT", "a%20b"), ("DELETE", "a+b")])
seq("raw `+` in PUT stored as?", [("PUT", "p+q")])
seq("case-sensitive?", [("PUT", "AbC"), ("DELETE", "abc"), ("DELETE", "ABC"), ("DELETE", "AbC")])
seq("NFC and NFD both exist?", [("PUT", enc("\u00e9")), ("PUT", enc("e\u0301"))])
seq("DELETE NFC removes NFD?", [("PUT", enc("e\u0301")), ("DELETE", enc("\u00e9"))])
seq("UTF-8 of the stored (mojibake) form addresses it?", [("PUT", "%C3%A9"), ("DELETE", "%C3%83%C2%A9")])
seq("lower-case hex escapes same as upper?", [("PUT", "%e4%b8%ad"), ("DELETE", "%E4%B8%AD")])

# Tags set through JSON are stored as real Unicode; can the tag route reach them?
r = subprocess.run(["curl", "-sS", "-X", "POST", E + "/v2/images", "-H", "Content-Type: application/json",
                    "-d", json.dumps({"name": "json-tags", "container_format": "bare", "disk_format": "raw",
                                      "tags": ["\u4e2d\u6587", "\u00e9", "plain"]})], capture_output=True, text=True)
img4 = json.loads(r.stdout)["id"]
seq("non-ASCII tags created by JSON body (POST /v2/images) deletable?",
    [("DELETE", enc("\u4e2d\u6587")), ("DELETE", enc("\u00e9")), ("DELETE", "%E9"), ("DELETE", "plain")], img4)

# unauthenticated-context ignores identity headers entirely
def with_headers(label, hdrs):
    curl("PUT", base + "h1")
    cmd = ["curl", "-sS", "--path-as-is", "-o", "/dev/null", "-w", "%{http_code}", "-X", "DELETE"]
    for h in hdrs:
        cmd += ["-H", h]
    st = subprocess.run(cmd + [E + base + "h1"], capture_output=True, text=True).stdout
    row(label, "; ".join(f"`{h}`" for h in hdrs) or "(no auth headers at all)", f"DELETE → {st}")
    clear()
with_headers("no auth header accepted?", [])
with_headers("bogus token / reader role / other tenant", ["X-Auth-Token: bogus", "X-Roles: reader",
             "X-Tenant-Id: 0000", "X-Identity-Status: Invalid"])

# ---- tag quota ----
img3 = create_image("quota-probe")
codes, refusal = {}, b""
for i in range(1, 131):
    st, b, _ = curl("PUT", f"/v2/images/{img3}/tags/q{i}")
    codes.setdefault(st, []).append(i)
    if st != 204 and not refusal:
        refusal = b
st, b, _ = curl("PUT", f"/v2/images/{img3}/tags/q1")
d = curl("DELETE", f"/v2/images/{img3}/tags/q1")
st2, b2, _ = curl("PUT", f"/v2/images/{img3}/tags/q129")
summary = "; ".join(f"{k}: tags {v[0]}..{v[-1]}" for k, v in sorted(codes.items()))
row("tag-count limit (image_tag_quota=128)", "PUT q1..q130 on a fresh image",
    f"{summary}; first refusal body: {short(refusal)}; "
    f"re-PUT existing q1 at the limit → {st}; DELETE q1 → {d[0]}; then PUT q129 → {st2}; "
    f"stored count {len(tags(img3))}")

# ---- concurrency ----
# The tag routes read the image, change its tag set and write the whole set back (image_repo.save ->
# image_tag_set_all): overlapping writes to one image are not isolated from each other.
import concurrent.futures as cf  # noqa: E402  (only this section needs it)
print("\n### Concurrency (one image, 20 rounds each)\n")
row("question", "requests per round", "result over 20 rounds")
row("---", "---", "---")
img5 = create_image("concurrency-probe")
with cf.ThreadPoolExecutor(10) as pool:
    kept, statuses = [], set()
    for r in range(20):
        sts = list(pool.map(lambda i: curl("PUT", f"/v2/images/{img5}/tags/p{r}-{i}")[0], range(10)))
        statuses.update(sts)
        kept.append(sum(1 for t in tags(img5) if t.startswith(f"p{r}-")))
        clear(img5)
    row("concurrent PUTs of distinct tags all kept?", "10 PUTs of distinct new tags at once",
        f"statuses {sorted(statuses)}; tags kept per round: min {min(kept)}, max {max(kept)} of 10; "
        f"rounds that lost a tag: {sum(1 for k in kept if k < 10)}")
    once, counts = 0, set()
    for r in range(20):
        curl("PUT", f"/v2/images/{img5}/tags/d{r}")
        sts = list(pool.map(lambda i: curl("DELETE", f"/v2/images/{img5}/tags/d{r}")[0], range(5)))
        once += sts.count(204) == 1
        counts.add(sts.count(204))
    row("concurrent DELETEs of one tag: exactly one 204?", "PUT a tag; 5 DELETEs of it at once",
        f"exactly one 204 in {once} of 20 rounds; numbers of 204 seen: {sorted(counts)}")
    lost = 0
    for r in range(20):
        curl("PUT", f"/v2/images/{img5}/tags/x{r}")
        a, b = pool.submit(curl, "DELETE", f"/v2/images/{img5}/tags/x{r}"), pool.submit(curl, "PUT", f"/v2/images/{img5}/tags/y{r}")
        a.result(), b.result()
        lost += f"y{r}" not in tags(img5)
        clear(img5)
    row("DELETE of x removes a tag y added at the same time?", "PUT x; then DELETE x and PUT y at once",
        f"y missing afterwards (both answered) in {lost} of 20 rounds")
