"""A running local stack as compose/local resolved it, for the Python that drives one: the
black-box tests, the failure drills (compose/chaos.py) and the benchmarks.

compose/local reads compose/stack.conf (the one description of the services and their ports),
then writes the state folder's `stack.json` (every port, every process) and `run/<process>.env`
(the environment each process runs with). Nothing here works a port or an environment out again.
"""
import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Stack:
    root: Path
    state: Path
    bin_dir: Path
    edge_port: int
    #: `shared` (one PostgreSQL server) or `split` (one per service)
    databases: str
    amqp_port: int
    redis_port: int
    replica_step: int
    #: service → {"port", "scalable", "redis", "database" (its PostgreSQL server's name: `postgres`,
    #: or `postgres-<service>` when split), "database_port"}
    services: dict
    #: process (`tasks`, `tasks-2`…) → port, as of the last start or `scale`
    processes: dict

    @classmethod
    def load(cls, state=None) -> "Stack":
        """The stack in `state`, else in $ORCH_STACK_DIR, else the default `.local-stack`."""
        folder = Path(state or os.environ.get("ORCH_STACK_DIR") or ROOT / ".local-stack")
        try:
            described = json.loads((folder / "stack.json").read_text())
        except FileNotFoundError:
            raise SystemExit(f"no stack described in {folder}: start one with compose/local up") from None
        if "databases" not in described:
            raise SystemExit(f"{folder / 'stack.json'} was written by an older compose/local: run compose/local up again")
        return cls(root=Path(described["root"]), state=Path(described["state"]), bin_dir=Path(described["bin_dir"]),
                   edge_port=described["edge_port"], databases=described["databases"],
                   amqp_port=described["amqp_port"], redis_port=described["redis_port"],
                   replica_step=described["replica_step"], services=described["services"],
                   processes=described["processes"])

    def port(self, service: str, replica: int = 1) -> int:
        """The port of a service's first process, or of its `replica`-th."""
        return self.services[service]["port"] + self.replica_step * (replica - 1)

    def database_port(self, service: str) -> int:
        """The port of the PostgreSQL server that holds `service`'s schema."""
        return self.services[service]["database_port"]

    def database_socket_dir(self, service: str) -> Path:
        """The folder of the Unix socket of `service`'s PostgreSQL server (peer login as `postgres`)."""
        return self.state / self.services[service]["database"] / "run"

    def database_services(self) -> list:
        """One service on each PostgreSQL server: every server, each once."""
        servers = {}
        for service, described in self.services.items():
            servers.setdefault(described["database"], service)
        return list(servers.values())

    def url(self, service: str, path: str) -> str:
        return f"http://127.0.0.1:{self.port(service)}{path}"

    def edge(self, path: str = "") -> str:
        return f"http://127.0.0.1:{self.edge_port}{path}"

    def pid(self, process: str) -> int:
        return int((self.state / "run" / f"{process}.pid").read_text().strip())

    def binary(self, service: str) -> str:
        return str(self.bin_dir / f"orchestrator-{service}")

    def compose(self, *args: str, timeout: float = 180) -> str:
        """Runs `compose/local ARGS` on this stack; its output, or an error naming what failed."""
        done = subprocess.run([str(self.root / "compose" / "local"), *args], capture_output=True, text=True,
                              timeout=timeout, env={**os.environ, "ORCH_STACK_DIR": str(self.state)})
        if done.returncode != 0:
            raise RuntimeError(f"compose/local {' '.join(args)} failed: {done.stderr.strip()[-500:]}")
        return done.stdout

    def environment_of(self, process: str) -> dict:
        """The environment `process` runs with (ORCH_* only)."""
        lines = (self.state / "run" / f"{process}.env").read_text().splitlines()
        return dict(line.split("=", 1) for line in lines if "=" in line)

    def service_environment(self, service: str, **overrides: str) -> dict:
        """An environment to start another process of `service` with: the caller's, less its ORCH_*
        settings, plus the service's own, plus `overrides`."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("ORCH_")}
        env.update(self.environment_of(service))
        env.update(overrides)
        return env

    def admin(self) -> tuple:
        """The first admin's username and password."""
        username, password = self.environment_of("auth")["ORCH_AUTH_BOOTSTRAP_ADMIN"].split(":", 1)
        return username, password

    def signing_key(self) -> tuple:
        """The key id and secret tokens are signed with."""
        return signing_key_of((self.state / "token-secrets").read_text())


def signing_key_of(secrets: str) -> tuple:
    """The key id and secret of the first `kid:secret` of an ORCH_TOKEN_SECRETS value."""
    kid, secret = secrets.strip().split(",")[0].split(":", 1)
    return kid, secret
