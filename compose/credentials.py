#!/usr/bin/env python3
"""The container stacks' broker and Redis users, from compose/.env.

    python3 compose/credentials.py [ENV_FILE [OUT_DIR]]

Reads ENV_FILE (compose/.env): RABBITMQ_USER / RABBITMQ_PASSWORD (the operators' administrator),
ORCH_<SERVICE>_AMQP_PASSWORD for each service, ORCH_<SERVICE>_REDIS_PASSWORD for the services
that use Redis. Writes into OUT_DIR (compose/.credentials, git-ignored, readable by its owner):

- rabbitmq-definitions.json: the users, their permissions and topic permissions, which RabbitMQ
  loads at every boot (compose/rabbitmq/definitions.conf);
- redis-users.acl: Redis's ACL file — each service's user with its rules (compose/redis/users.acl)
  and its password's SHA-256, the default user off, `healthcheck`, which may only PING, and
  `replica` (ORCH_REDIS_REPLICA_PASSWORD), which may only replicate (Kubernetes' Redis replicas,
  deploy/kubernetes/infrastructure/redis.yaml).

Run it again after changing a password, then restart rabbitmq and redis (docs/deployment.md,
"Credentials")."""
import hashlib
import json
import os
import sys

import broker_definitions

HERE = os.path.dirname(os.path.abspath(__file__))


def read_env(path):
    values = {}
    with open(path) as lines:
        for line in lines:
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                key, _, value = line.partition("=")
                values[key.strip()] = value.strip()
    return values


def required(env, key):
    value = env.get(key, "")
    if not value or value.startswith("change-me"):
        sys.exit(f"compose/credentials.py: set {key} in the env file (a long random string: openssl rand -hex 24)")
    return value


def redis_acl(env):
    # Redis's ACL files take no comments.
    replica = hashlib.sha256(required(env, "ORCH_REDIS_REPLICA_PASSWORD").encode()).hexdigest()
    lines = ["user default off", "user healthcheck on nopass resetkeys resetchannels -@all +ping",
             f"user replica on #{replica} resetkeys resetchannels -@all +psync +replconf +ping"]
    with open(os.path.join(HERE, "redis", "users.acl")) as rules:
        for line in rules:
            fields = line.split()
            if not fields or fields[0].startswith("#"):
                continue
            user = fields[0]
            service = user.removeprefix("orch_").upper()
            digest = hashlib.sha256(required(env, f"ORCH_{service}_REDIS_PASSWORD").encode()).hexdigest()
            lines.append(" ".join(["user", user, "reset", "on", f"#{digest}", *fields[1:]]))
    return "\n".join(lines) + "\n"


def main(arguments):
    env_file = arguments[0] if arguments else os.path.join(HERE, ".env")
    out = arguments[1] if len(arguments) > 1 else os.path.join(HERE, ".credentials")
    env = read_env(env_file)
    os.makedirs(out, mode=0o700, exist_ok=True)
    admin = f"{required(env, 'RABBITMQ_USER')}:{required(env, 'RABBITMQ_PASSWORD')}"
    definitions = broker_definitions.definitions(
        os.path.join(HERE, "rabbitmq", "permissions.conf"),
        lambda user: required(env, f"ORCH_{user.removeprefix('orch_').upper()}_AMQP_PASSWORD"), admin)
    acl = redis_acl(env)
    for name, text in (("rabbitmq-definitions.json", json.dumps(definitions, indent=1) + "\n"), ("redis-users.acl", acl)):
        path = os.path.join(out, name)
        # Readable by the containers' own users (rabbitmq, redis), which are not the owner.
        with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644), "w") as file:
            file.write(text)
        print(f"wrote {path}")


if __name__ == "__main__":
    main(sys.argv[1:])
