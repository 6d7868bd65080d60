#!/usr/bin/env python3
"""RabbitMQ definitions (users, permissions, topic permissions) for the services' broker users.

    broker_definitions.py PERMISSIONS SECRETS [--admin USER:PASSWORD]

PERMISSIONS is compose/rabbitmq/permissions.conf (made from the event contracts); SECRETS a
folder holding each user's password in a file named after it (`orch_tasks`, …). Prints the JSON
that `rabbitmqctl import_definitions` (the local stack) or `load_definitions` (the containers)
takes. With --admin, an administrator for operators joins them (a broker loading definitions at
boot creates no default user). Passwords are stored as RabbitMQ's salted SHA-256 hashes.
(docs/deployment.md, "Credentials"; docs/security.md, "Between the services".)"""
import base64
import hashlib
import json
import os
import sys


def password_hash(password):
    salt = os.urandom(4)
    return base64.b64encode(salt + hashlib.sha256(salt + password.encode()).digest()).decode()


def user(name, password, tags):
    return {"name": name, "password_hash": password_hash(password),
            "hashing_algorithm": "rabbit_password_hashing_sha256", "tags": tags}


def definitions(permissions_file, password_of, admin=None):
    """The definitions, each user's password from `password_of(user)`."""
    users, permissions, topics = {}, [], []
    with open(permissions_file) as lines:
        for line in lines:
            fields = line.split()
            if not fields or fields[0].startswith("#"):
                continue
            name, kind = fields[0], fields[1]
            if name not in users:
                users[name] = user(name, password_of(name), [])
            if kind == "vhost":
                permissions.append({"user": name, "vhost": "/", "configure": fields[2], "write": fields[3], "read": fields[4]})
            elif kind == "topic":
                topics.append({"user": name, "vhost": "/", "exchange": fields[2], "write": fields[3], "read": fields[4]})
            else:
                sys.exit(f"{permissions_file}: unknown line kind {kind!r}")
    if admin:
        name, _, password = admin.partition(":")
        users[name] = user(name, password, ["administrator"])
        permissions.append({"user": name, "vhost": "/", "configure": ".*", "write": ".*", "read": ".*"})
    return {"users": list(users.values()), "vhosts": [{"name": "/"}], "permissions": permissions, "topic_permissions": topics}


def main(arguments):
    admin = None
    if "--admin" in arguments:
        at = arguments.index("--admin")
        admin = arguments[at + 1]
        arguments = arguments[:at] + arguments[at + 2:]
    if len(arguments) != 2:
        sys.exit(__doc__)
    def secret(name):
        with open(os.path.join(arguments[1], name)) as file:
            return file.read().strip()

    json.dump(definitions(arguments[0], secret, admin), sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main(sys.argv[1:])
