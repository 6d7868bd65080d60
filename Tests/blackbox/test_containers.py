"""The container deployment, checked as far as a machine without a Docker engine can: both compose
files are valid (Debian's docker-compose v1), every service has an image and a scalable compose
entry, every variable the files use is in .env.example, and each image's runtime stage installs
every shared library the built binaries link."""
import json
import os
import re
import subprocess
import sys
import time
from functools import lru_cache
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "compose"
DOCKERFILE = COMPOSE / "service.Dockerfile"


def services_in_package():
    text = (ROOT / "Package.swift").read_text()
    return sorted(set(re.findall(r'path:\s*"Services/([a-z]+)"', text)))


@lru_cache
def compose_config(*files):
    arguments = ["docker-compose", "--env-file", str(COMPOSE / ".env.example")]
    for name in files:
        arguments += ["-f", str(COMPOSE / name)]
    # As a user's shell would have it: without the test stack's own ORCH_* settings, which the
    # files' ${…} would otherwise take.
    environment = {name: value for name, value in os.environ.items() if not name.startswith("ORCH_")}
    done = subprocess.run(arguments + ["config"], capture_output=True, text=True, cwd=COMPOSE, env=environment)
    assert done.returncode == 0, done.stderr
    return yaml.safe_load(done.stdout)


def runtime_stage():
    """The Dockerfile's last stage: its base image and the packages it installs."""
    text = DOCKERFILE.read_text().replace("\\\n", " ")
    stage = text[text.rindex("\nFROM "):]
    base = stage.split()[1]
    installs = re.search(r"apt-get install ([^&]*)", stage).group(1).split()
    return stage, base, {word for word in installs if not word.startswith("-")}


@lru_cache
def debian_package(path):
    """The Debian package that owns a library path, or None when dpkg does not know it."""
    real = os.path.realpath(path)
    for candidate in (path, real, "/usr" + path if not path.startswith("/usr") else path, real.replace("/usr/lib/", "/lib/", 1)):
        done = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
        if done.returncode == 0:
            return done.stdout.split(":")[0]
    return None


def test_both_compose_files_are_valid_and_the_overlay_clusters_rabbitmq():
    base = compose_config("docker-compose.yml")
    assert {"postgres", "rabbitmq", "redis", "edge"} <= set(base["services"])
    production = compose_config("docker-compose.yml", "docker-compose.prod.yml")
    nodes = [name for name in production["services"] if name.startswith("rabbitmq")]
    assert len(nodes) == 3
    for name in services_in_package():
        service = production["services"][name]
        assert service["environment"]["ORCH_AMQP_QUEUE_TYPE"] == "quorum"
        assert service["restart"] == "always" and service["deploy"]["resources"]["limits"]["memory"]


def test_every_service_has_an_image_and_a_scalable_entry_that_waits_for_its_dependencies():
    services = services_in_package()
    assert services == ["analytics", "auth", "notifier", "scheduler", "tasks"]
    config = compose_config("docker-compose.yml")
    for name in services:
        entry = config["services"][name]
        assert entry["build"]["dockerfile"].endswith("service.Dockerfile")
        assert entry["build"]["args"]["SERVICE"] == name
        # Scalable: no fixed name, no host port.
        assert "container_name" not in entry and "ports" not in entry, name
        assert {dependency: condition["condition"] for dependency, condition in entry["depends_on"].items()} == {
            "postgres": "service_healthy", "rabbitmq": "service_healthy", "redis": "service_healthy"}
        assert entry["environment"]["ORCH_DATABASE_URL"].startswith(f"postgres://orch_{name}:")
    for infrastructure in ("postgres", "rabbitmq", "redis"):
        assert "healthcheck" in config["services"][infrastructure]
    assert set(config["services"]["edge"]["depends_on"]) == set(services)


def test_every_variable_the_compose_files_use_is_in_the_example_environment():
    example = {line.split("=", 1)[0] for line in (COMPOSE / ".env.example").read_text().splitlines()
               if line and not line.startswith("#")}
    for name in ("docker-compose.yml", "docker-compose.prod.yml"):
        used = set(re.findall(r"\$\{([A-Z_]+)\}", (COMPOSE / name).read_text()))
        assert used <= example, (name, used - example)


def test_the_image_runs_as_a_non_root_user_with_a_readiness_health_check():
    stage, base, _ = runtime_stage()
    assert base.startswith("swift:") and base.endswith("-slim")
    assert re.search(r"^USER orchestrator", stage, re.M)
    assert re.search(r"^HEALTHCHECK .*curl -fsS \S*/health/ready", stage, re.M)
    assert "curl" in runtime_stage()[2]


@pytest.mark.parametrize("service", services_in_package())
def test_the_runtime_stage_installs_every_library_the_binary_links(service):
    binaries = [ROOT / ".build" / configuration / f"orchestrator-{service}" for configuration in ("release", "debug")]
    binary = next((b for b in binaries if b.exists()), None)
    assert binary, f"build orchestrator-{service} first"
    _, base, installed = runtime_stage()
    linked = re.findall(r"=> (/\S+)", subprocess.run(["ldd", str(binary)], capture_output=True, text=True, check=True).stdout)
    missing = []
    for library in linked:
        package = debian_package(library)
        if package is None:
            # Not Debian's: the Swift runtime, which the swift:*-slim base image carries.
            assert "/swift/" in library, f"{library} belongs to no Debian package and is not the Swift runtime"
            assert base.endswith("-slim") and base.startswith("swift:")
        elif package not in installed:
            missing.append(f"{Path(library).name} ({package})")
    assert missing == [], f"the runtime stage of {DOCKERFILE.name} lacks {missing}"


def test_the_image_carries_the_resource_bundles_beside_the_binary():
    """A service finds its OpenAPI document (docs/api.md) in `Orchestrator_<Target>.resources`
    beside its binary; without them it stops at start. The build stage copies every bundle the
    release build made, the runtime stage puts them where the entry point's binary is."""
    text = DOCKERFILE.read_text().replace("\\\n", " ")
    build = text[:text.rindex("\nFROM ")]
    stage, _, _ = runtime_stage()
    assert re.search(r"cp -R \.build/release/\*\.resources /out/", build)
    entry = re.search(r'ENTRYPOINT \["([^"]+)"\]', stage).group(1)
    destination = re.search(r"COPY --from=build /out/ (\S+)", stage).group(1)
    assert os.path.dirname(entry) == destination.rstrip("/")
    # Every target that has resources makes such a bundle (the debug build the tests run is one).
    package = (ROOT / "Package.swift").read_text()
    assert package.count("resources: [.copy(") >= 6
    built = Path(os.environ.get("ORCH_BIN_DIR", ROOT / ".build" / "debug"))
    for target in ["ServiceRuntime", "AuthService", "TasksService", "SchedulerService", "NotifierService", "AnalyticsService"]:
        assert (built / f"Orchestrator_{target}.resources").is_dir(), target


def test_the_container_stack_runs_prometheus_on_every_service_and_grafana_with_the_dashboard():
    config = compose_config("docker-compose.yml")
    prometheus, grafana = config["services"]["prometheus"], config["services"]["grafana"]
    mounts = {volume.split(":")[1]: volume.split(":")[0] for volume in prometheus["volumes"] if volume.count(":") >= 2}
    assert mounts["/etc/prometheus/prometheus.yml"].endswith("compose/monitoring/prometheus.yml")
    assert mounts["/etc/prometheus/alerts.yml"].endswith("compose/monitoring/alerts.yml")
    scrape = yaml.safe_load((COMPOSE / "monitoring" / "prometheus.yml").read_text())
    jobs = {job["job_name"]: job for job in scrape["scrape_configs"]}
    assert set(jobs) == set(services_in_package()) | {"rabbitmq"}
    for name in services_in_package():
        # Every replica, found through Docker's DNS on the port the services listen on in containers.
        assert jobs[name]["dns_sd_configs"] == [{"names": [name], "type": "A", "port": 8080, "refresh_interval": "15s"}]
        assert jobs[name]["relabel_configs"] == [{"target_label": "service", "replacement": name}]
    assert config["services"]["auth"]["environment"]["ORCH_HTTP_PORT"] == "8080"
    # RabbitMQ's per-queue metrics: the plugin enabled on every node.
    for stack in (config, compose_config("docker-compose.yml", "docker-compose.prod.yml")):
        for name, service in stack["services"].items():
            if name.startswith("rabbitmq"):
                assert any(volume.endswith(":/etc/rabbitmq/enabled_plugins:ro") for volume in service["volumes"]), name
    assert "rabbitmq_prometheus" in (COMPOSE / "rabbitmq" / "enabled_plugins").read_text()
    mounts = {volume.split(":")[1]: volume.split(":")[0] for volume in grafana["volumes"] if volume.count(":") >= 2}
    assert mounts["/etc/grafana/provisioning"].endswith("compose/monitoring/grafana/provisioning")
    assert mounts["/var/lib/grafana/dashboards"].endswith("compose/monitoring/grafana/dashboards")
    provider = yaml.safe_load((COMPOSE / "monitoring" / "grafana" / "provisioning" / "dashboards" / "orchestrator.yml").read_text())
    assert provider["providers"][0]["options"]["path"] == "/var/lib/grafana/dashboards"
    source = yaml.safe_load((COMPOSE / "monitoring" / "grafana" / "provisioning" / "datasources" / "prometheus.yml").read_text())
    assert source["datasources"][0]["url"] == "http://prometheus:9090" and source["datasources"][0]["uid"] == "prometheus"


def test_the_container_stack_sends_every_services_spans_to_jaeger():
    """docs/operations.md, "Following a request": each service exports over OTLP/HTTP to the
    stack's Jaeger (or ORCH_OTLP_ENDPOINT's collector); its UI on the host's loopback only."""
    config = compose_config("docker-compose.yml")
    jaeger = config["services"]["jaeger"]
    assert jaeger["image"].startswith("jaegertracing/all-in-one:")
    assert len(jaeger["ports"]) == 1 and "127.0.0.1" in str(jaeger["ports"][0]) and "16686" in str(jaeger["ports"][0])
    for name in services_in_package():
        assert config["services"][name]["environment"]["ORCH_OTLP_ENDPOINT"] == "http://jaeger:4318", name
    sources = yaml.safe_load((COMPOSE / "monitoring" / "grafana" / "provisioning" / "datasources" / "prometheus.yml").read_text())
    assert {"uid": "jaeger", "url": "http://jaeger:16686"}.items() <= next(s for s in sources["datasources"] if s["type"] == "jaeger").items()



def test_each_container_service_signs_in_to_the_broker_and_redis_as_its_own_user():
    for files in (("docker-compose.yml",), ("docker-compose.yml", "docker-compose.prod.yml")):
        config = compose_config(*files)
        for name in services_in_package():
            environment = config["services"][name]["environment"]
            assert environment["ORCH_AMQP_URL"].startswith(f"amqp://orch_{name}:change-me-{name}-amqp@rabbitmq:5672"), name
            redis = environment.get("ORCH_REDIS_URL")
            assert (redis or "").startswith(f"redis://orch_{name}:change-me-{name}-redis@redis") == (name in ("scheduler", "notifier"))
        for node in (name for name in config["services"] if name.startswith("rabbitmq")):
            mounts = [volume["target"] if isinstance(volume, dict) else volume.split(":")[1] for volume in config["services"][node]["volumes"]]
            assert "/etc/rabbitmq/definitions.json" in mounts and "/etc/rabbitmq/conf.d/30-definitions.conf" in mounts, node
        assert "--aclfile" in config["services"]["redis"]["command"]


def test_the_credentials_script_refuses_placeholders_and_writes_files_redis_and_rabbitmq_take(tmp_path):
    script = [sys.executable, str(COMPOSE / "credentials.py")]
    done = subprocess.run(script + [str(COMPOSE / ".env.example"), str(tmp_path / "out")], capture_output=True, text=True)
    assert done.returncode != 0 and "_PASSWORD in the env file" in done.stderr, done.stderr
    lines = [line if line.startswith("#") or "=" not in line else
             f"{line.split('=', 1)[0]}=secret-{line.split('=', 1)[0].lower()}" for line in (COMPOSE / ".env.example").read_text().splitlines()]
    (tmp_path / ".env").write_text("\n".join(lines) + "\n")
    done = subprocess.run(script + [str(tmp_path / ".env"), str(tmp_path / "out")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    definitions = json.loads((tmp_path / "out" / "rabbitmq-definitions.json").read_text())
    users = {user["name"]: user["tags"] for user in definitions["users"]}
    assert users == {**{f"orch_{name}": [] for name in services_in_package()}, "secret-rabbitmq_user": ["administrator"]}
    assert len(definitions["topic_permissions"]) == 3 * len(services_in_package())
    # Redis itself reads the ACL file: each user signs in with its password and is held to its rules.
    port = 16390
    server = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                               "--aclfile", str(tmp_path / "out" / "redis-users.acl")], stdout=subprocess.DEVNULL)
    try:
        def redis(user, password, *command):
            for _ in range(50):
                done = subprocess.run(["redis-cli", "--no-auth-warning", "-p", str(port), "--user", user, "--pass", password, *command],
                                      capture_output=True, text=True)
                if "Connection refused" not in done.stdout + done.stderr:
                    return done.stdout.strip()
                time.sleep(0.1)
            return done.stdout.strip()

        assert redis("healthcheck", "-", "PING") == "PONG"
        assert redis("orch_scheduler", "secret-orch_scheduler_redis_password", "SET", "scheduler:lock:task:1", "x") == "OK"
        assert redis("orch_scheduler", "wrong", "PING").startswith(("NOAUTH", "WRONGPASS"))
        assert "NOPERM" in redis("orch_notifier", "secret-orch_notifier_redis_password", "GET", "scheduler:lock:task:1")
        # Replication's user may replicate and nothing else.
        assert redis("replica", "secret-orch_redis_replica_password", "PING") == "PONG"
        assert "NOPERM" in redis("replica", "secret-orch_redis_replica_password", "GET", "scheduler:lock:task:1")
        # The default user is off: no password lets anyone in as it.
        assert redis("default", "anything", "PING").startswith(("NOAUTH", "WRONGPASS"))
    finally:
        server.terminate()
        server.wait(10)
