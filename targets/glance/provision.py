#!/usr/bin/python3
"""Provisions the throwaway Keystone + Glance that run-glance.sh started (stdlib only, Debian's python3).

  provision.py identities DIR KEYSTONE_URL GLANCE_URL   users, projects, roles, the image service in the catalogue
  provision.py images DIR GLANCE_URL                    the owner's two images (public, via admin), the outsider's

Passwords are made here and kept in DIR (the run's temp folder, mode 700): secrets.json and clouds.yaml, never printed.
"""
import json
import os
import secrets
import sys
import urllib.error
import urllib.request

DOMAIN = "Default"
OWNER_PROJECT, OTHER_PROJECT = "conformance-owner", "conformance-other"


def call(method, url, body=None, token=None, content_type="application/json"):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("Accept", "application/json")
    if data is not None:
        req.add_header("Content-Type", content_type)
    if token:
        req.add_header("X-Auth-Token", token)
    try:
        with urllib.request.urlopen(req, timeout=30) as res:
            text = res.read().decode()
            return res.status, dict(res.headers), json.loads(text) if text else None
    except urllib.error.HTTPError as err:
        # The status and Keystone's message, never the request (it may carry a password).
        raise SystemExit(f"provision.py: {method} {url} answered {err.code}: {err.read()[:300]!r}") from None


def login(keystone, user, password, project):
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": user, "domain": {"name": DOMAIN}, "password": password}}},
                     "scope": {"project": {"name": project, "domain": {"name": DOMAIN}}}}}
    _, headers, _ = call("POST", f"{keystone}/v3/auth/tokens", body)
    return headers["X-Subject-Token"]


def identities(folder, keystone, glance):
    s = json.load(open(f"{folder}/secrets.json"))
    admin = login(keystone, "admin", s["admin"], "admin")
    k = f"{keystone}/v3"

    def one(kind, name):
        _, _, body = call("GET", f"{k}/{kind}?name={name}", token=admin)
        return body[kind][0]["id"]

    def create(kind, entity):
        _, _, body = call("POST", f"{k}/{kind}", {kind[:-1]: entity}, admin)
        return body[kind[:-1]]["id"]

    domain = "default"  # keystone-manage bootstrap's domain, named Default
    projects = {name: create("projects", {"name": name, "domain_id": domain}) for name in ("service", OWNER_PROJECT, OTHER_PROJECT)}
    roles = {name: one("roles", name) for name in ("admin", "member")}
    users = {}
    for user, project, role in (("glance", "service", "admin"), ("owner", OWNER_PROJECT, "member"),
                                ("forbidden", OTHER_PROJECT, "member"), ("outsider", OTHER_PROJECT, "member")):
        s[user] = secrets.token_urlsafe(18)
        users[user] = create("users", {"name": user, "domain_id": domain, "password": s[user]})
        call("PUT", f"{k}/projects/{projects[project]}/users/{users[user]}/roles/{roles[role]}", token=admin)
    service = create("services", {"type": "image", "name": "glance"})
    for interface in ("public", "internal", "admin"):
        create("endpoints", {"service_id": service, "interface": interface, "region_id": "RegionOne", "url": glance})
    write_private(f"{folder}/secrets.json", json.dumps(s))
    clouds = {"clouds": {name: {"auth": {"auth_url": f"{keystone}/v3", "username": name, "password": s[name],
                                         "project_name": project, "user_domain_name": DOMAIN, "project_domain_name": DOMAIN},
                                "region_name": "RegionOne", "interface": "public", "identity_api_version": 3}
                         for name, project in (("owner", OWNER_PROJECT), ("forbidden", OTHER_PROJECT), ("outsider", OTHER_PROJECT))}}
    # JSON is YAML: clouds.yaml without a YAML library.
    write_private(f"{folder}/clouds.yaml", json.dumps(clouds, indent=2))
    print(projects[OWNER_PROJECT], projects[OTHER_PROJECT])


def images(folder, glance):
    s = json.load(open(f"{folder}/secrets.json"))
    keystone = s["keystone"]
    owner = login(keystone, "owner", s["owner"], OWNER_PROJECT)
    outsider = login(keystone, "outsider", s["outsider"], OTHER_PROJECT)
    admin = login(keystone, "admin", s["admin"], "admin")

    def image(token, name, tags):
        _, _, body = call("POST", f"{glance}/v2/images", {"name": name, "container_format": "bare", "disk_format": "raw", "tags": tags}, token)
        return body["id"]

    main = image(owner, "conformance-main", json.loads(os.environ.get("GLANCE_MAIN_TAGS") or "[]"))
    other = image(owner, "conformance-other", [])
    # Only an admin may publicise an image (Glance's publicize_image policy): then the other project's users see it.
    for i in (main, other):
        call("PATCH", f"{glance}/v2/images/{i}", [{"op": "replace", "path": "/visibility", "value": "public"}], admin,
             "application/openstack-images-v2.1-json-patch")
    # The outsider's own image stays private to the other project: the owner cannot even see it.
    outside = image(outsider, "conformance-outsider", [])
    print(main, other, outside)


def write_private(path, text):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)


if __name__ == "__main__":
    if sys.argv[1:2] == ["identities"] and len(sys.argv) == 5:
        identities(*sys.argv[2:])
    elif sys.argv[1:2] == ["images"] and len(sys.argv) == 4:
        images(*sys.argv[2:])
    else:
        raise SystemExit(__doc__)
