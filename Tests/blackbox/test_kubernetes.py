"""The Kubernetes manifests (deploy/kubernetes), checked as far as a machine without a cluster can:
every resource of a built-in kind is valid for Kubernetes 1.33 (kubernetes-validate, strict); the
operators' resources (RabbitmqCluster, CloudNativePG's Cluster, KEDA's) are not in its schemas and
are held here to the settings that matter; and every service, port and setting matches the one
description of the stack (compose/stack.conf), the settings the services read, and the secrets
compose/.env.example defines."""
import re
import subprocess
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
KUBERNETES = ROOT / "deploy" / "kubernetes"
KUBERNETES_VERSION = "1.33"
OPERATOR_KINDS = {"RabbitmqCluster", "Cluster", "ScaledObject", "TriggerAuthentication"}


def stack_description():
    """compose/stack.conf's services: name → uses Redis."""
    services = {}
    for line in (ROOT / "compose" / "stack.conf").read_text().splitlines():
        fields = line.split()
        if len(fields) == 4 and not fields[0].startswith("#"):
            services[fields[0]] = fields[3] == "yes"
    return services


STACK = stack_description()


def load(folder):
    """Every resource a kustomization (or component) lists, with the file it came from."""
    kustomization = yaml.safe_load((folder / "kustomization.yaml").read_text())
    resources = []
    for name in kustomization["resources"]:
        for document in yaml.safe_load_all((folder / name).read_text()):
            if document:
                resources.append((name, document))
    return kustomization, resources


KUSTOMIZATION, RESOURCES = load(KUBERNETES)
KEDA, KEDA_RESOURCES = load(KUBERNETES / "optional" / "keda")


def of_kind(kind, resources=RESOURCES):
    return {document["metadata"]["name"]: document for _, document in resources if document["kind"] == kind}


def container(deployment):
    [only] = deployment["spec"]["template"]["spec"]["containers"]
    return only


def environment(deployment):
    return {variable["name"]: variable for variable in container(deployment).get("env", [])}


def test_the_kustomization_lists_every_manifest_and_names_an_image_for_every_workload():
    listed = {KUBERNETES / name for name in KUSTOMIZATION["resources"]}
    on_disk = {path for path in KUBERNETES.rglob("*.yaml") if "optional" not in path.parts and path.name != "kustomization.yaml"}
    assert listed == on_disk
    images = {image["name"] for image in KUSTOMIZATION["images"]}
    used = {container(deployment)["image"] for deployment in of_kind("Deployment").values()}
    assert used == images == {f"orchestrator-{service}" for service in STACK} | {"orchestrator-edge"}


@pytest.mark.parametrize("resources", [RESOURCES, KEDA_RESOURCES], ids=["manifests", "keda component"])
def test_every_built_in_resource_is_valid_for_the_kubernetes_version_named(resources):
    checked = 0
    for name, document in resources:
        if document["kind"] in OPERATOR_KINDS:
            with pytest.raises(kubernetes_validate.SchemaNotFoundError):
                kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)
            continue
        try:
            kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as error:
            pytest.fail(f"{name}: {document['kind']} {document['metadata']['name']}: {error.message} at {list(error.path)}")
        checked += 1
    assert checked > 0


def test_a_broken_manifest_is_refused():
    """The validation above can fail: a misspelt field and a wrong type are caught."""
    deployment = of_kind("Deployment")["tasks"]
    broken = yaml.safe_load(yaml.safe_dump(deployment))
    broken["spec"]["replica"] = 2
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)
    broken = yaml.safe_load(yaml.safe_dump(deployment))
    broken["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"] = "http"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)


def test_every_service_of_the_stack_has_a_deployment_service_autoscaler_and_disruption_budget():
    assert set(of_kind("Deployment")) == set(STACK) | {"edge"}
    for kind in ("Service", "HorizontalPodAutoscaler", "PodDisruptionBudget"):
        assert set(STACK) | {"edge"} <= set(of_kind(kind)), kind
    for service in STACK:
        autoscaler = of_kind("HorizontalPodAutoscaler")[service]
        assert autoscaler["spec"]["scaleTargetRef"]["name"] == service
        assert 1 <= autoscaler["spec"]["minReplicas"] <= autoscaler["spec"]["maxReplicas"]
        budget = of_kind("PodDisruptionBudget")[service]
        assert budget["spec"]["selector"]["matchLabels"] == {"app.kubernetes.io/name": service}
        # A budget never blocks a node's drain: a single replica may go.
        replicas = of_kind("Deployment")[service]["spec"]["replicas"]
        assert budget["spec"].get("minAvailable", 0) < replicas


@pytest.mark.parametrize("service", sorted(STACK))
def test_a_service_listens_where_its_service_points_and_is_probed_on_its_health(service):
    config = of_kind("ConfigMap")["orchestrator-config"]["data"]
    deployment = of_kind("Deployment")[service]
    main = container(deployment)
    [port] = main["ports"]
    assert port["containerPort"] == int(config["ORCH_HTTP_PORT"]) and config["ORCH_HTTP_HOST"] == "0.0.0.0"
    [exposed] = of_kind("Service")[service]["spec"]["ports"]
    assert exposed["targetPort"] == port["name"]
    assert main["readinessProbe"]["httpGet"]["path"] == "/health/ready"
    assert main["livenessProbe"]["httpGet"]["path"] == "/health/live"
    template = deployment["spec"]["template"]
    assert template["metadata"]["annotations"]["prometheus.io/port"] == str(port["containerPort"])
    assert template["metadata"]["annotations"]["prometheus.io/path"] == "/metrics"
    # Longer than the drain: five seconds to leave the endpoints, then five to stop (SIGTERM).
    assert template["spec"]["terminationGracePeriodSeconds"] >= 15
    assert main["lifecycle"]["preStop"]["exec"]["command"] == ["sleep", "5"]


@pytest.mark.parametrize("name", sorted(STACK) + ["edge"])
def test_every_workload_runs_unprivileged_on_a_read_only_filesystem_within_limits(name):
    deployment = of_kind("Deployment")[name]
    pod = deployment["spec"]["template"]["spec"]
    # Pod Security's `restricted` level, which the namespace warns and audits against.
    assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["runAsUser"] != 0
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert pod["automountServiceAccountToken"] is False
    main = container(deployment)
    assert main["securityContext"] == {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
                                       "capabilities": {"drop": ["ALL"]}}
    assert {"cpu", "memory"} <= set(main["resources"]["requests"]) and {"cpu", "memory"} <= set(main["resources"]["limits"])


def settings_the_services_read():
    names = set()
    for path in list((ROOT / "Services").rglob("*.swift")) + list((ROOT / "Libraries").rglob("*.swift")):
        names |= set(re.findall(r'"(ORCH_[A-Z_]+)"', path.read_text()))
    return names


def test_every_setting_given_is_one_the_services_read_and_every_secret_one_the_env_file_defines():
    read = settings_the_services_read()
    given = set(of_kind("ConfigMap")["orchestrator-config"]["data"])
    keys = set()

    def secret_keys(node):
        if isinstance(node, dict):
            if node.get("name") == "orchestrator-credentials" and "key" in node:
                keys.add(node["key"])
            for value in node.values():
                secret_keys(value)
        elif isinstance(node, list):
            for value in node:
                secret_keys(value)

    for _, document in RESOURCES + KEDA_RESOURCES:
        secret_keys(document)
    for deployment in of_kind("Deployment").values():
        given |= {name for name in environment(deployment) if name.startswith("ORCH_")}
    assert given <= read, given - read
    example = {line.split("=", 1)[0] for line in (ROOT / "compose" / ".env.example").read_text().splitlines()
               if "=" in line and not line.startswith("#")}
    assert keys and keys <= example, keys - example


@pytest.mark.parametrize("service", sorted(STACK))
def test_each_service_signs_in_as_its_own_user_to_its_own_database_server_the_broker_and_redis(service):
    deployment = of_kind("Deployment")[service]
    env = environment(deployment)
    database = env["ORCH_DATABASE_URL"]["value"]
    assert database.startswith(f"postgres://orch_{service}:$(DATABASE_PASSWORD)@{service}-db-rw:5432/orchestrator?")
    assert "sslmode=verify-full" in database
    assert env["DATABASE_PASSWORD"]["valueFrom"]["secretKeyRef"] == {"name": f"{service}-db-app", "key": "password"}
    ca = [volume for volume in deployment["spec"]["template"]["spec"]["volumes"] if volume["name"] == "database-ca"]
    assert ca[0]["secret"]["secretName"] == f"{service}-db-ca"
    assert env["ORCH_AMQP_URL"]["value"].startswith(f"amqp://orch_{service}:$(AMQP_PASSWORD)@rabbitmq:5672/")
    assert env["AMQP_PASSWORD"]["valueFrom"]["secretKeyRef"]["key"] == f"ORCH_{service.upper()}_AMQP_PASSWORD"
    assert ("ORCH_REDIS_URL" in env) == STACK[service]
    if STACK[service]:
        assert env["ORCH_REDIS_URL"]["value"].startswith(f"redis://orch_{service}:$(REDIS_PASSWORD)@redis-primary:6379")
    # A variable a value refers to is defined before it (Kubernetes expands only those).
    names = list(env)
    for position, name in enumerate(names):
        for referred in re.findall(r"\$\((\w+)\)", env[name].get("value", "")):
            assert referred in names[:position], (name, referred)


def test_each_service_has_a_postgresql_cluster_of_its_own_with_synchronous_replication():
    clusters = of_kind("Cluster")
    assert set(clusters) == {f"{service}-db" for service in STACK}
    for service in STACK:
        spec = clusters[f"{service}-db"]["spec"]
        assert spec["instances"] >= 3 and spec["minSyncReplicas"] >= 1
        assert spec["bootstrap"]["initdb"]["database"] == "orchestrator" and spec["bootstrap"]["initdb"]["owner"] == f"orch_{service}"
        assert f"CREATE SCHEMA IF NOT EXISTS {service} AUTHORIZATION orch_{service}" in spec["bootstrap"]["initdb"]["postInitApplicationSQL"]


def test_the_broker_is_a_three_node_cluster_with_quorum_queues_and_the_services_users():
    [cluster] = of_kind("RabbitmqCluster").values()
    assert cluster["spec"]["replicas"] >= 3 and cluster["spec"]["replicas"] % 2 == 1
    assert "cluster_partition_handling = pause_minority" in cluster["spec"]["rabbitmq"]["additionalConfig"]
    assert "load_definitions = /etc/rabbitmq/orchestrator/definitions.json" in cluster["spec"]["rabbitmq"]["additionalConfig"]
    assert of_kind("ConfigMap")["orchestrator-config"]["data"]["ORCH_AMQP_QUEUE_TYPE"] == "quorum"


def test_redis_has_a_primary_the_services_use_and_replicas_that_sign_in_as_replica():
    redis = of_kind("StatefulSet")["redis"]
    assert redis["spec"]["replicas"] >= 3
    script = container(redis)["command"][-1]
    assert "--aclfile" in script and "--replicaof redis-0.redis" in script and "--masteruser replica" in script
    assert of_kind("Service")["redis-primary"]["spec"]["selector"]["statefulset.kubernetes.io/pod-name"] == "redis-0"


def allowed(policy, direction):
    """The pod labels (or namespaces) and ports a policy lets in or out."""
    rules = policy["spec"].get(direction, [])
    peers = "from" if direction == "ingress" else "to"
    return [(peer, sorted(port["port"] for port in rule.get("ports", []))) for rule in rules for peer in rule.get(peers, [{}])]


def test_the_network_policies_deny_everything_but_the_paths_the_stack_uses():
    policies = of_kind("NetworkPolicy")
    assert policies["default-deny"]["spec"] == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
    assert ({"podSelector": {"matchLabels": {"app.kubernetes.io/component": "service"}}}, [8080]) in allowed(policies["edge"], "egress")
    for service, uses_redis in STACK.items():
        policy = policies[service]
        # In: the edge and Prometheus only — never another service.
        sources = [peer for peer, _ in allowed(policy, "ingress")]
        assert sources == [{"podSelector": {"matchLabels": {"app.kubernetes.io/name": "edge"}}},
                           {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}]
        # Out: its own database cluster, the broker, Redis when it uses it, the span collector.
        destinations = {next(iter(peer.get("podSelector", peer.get("namespaceSelector"))["matchLabels"].values())): ports
                        for peer, ports in allowed(policy, "egress")}
        expected = {f"{service}-db": [5432], "rabbitmq": [5672], "observability": [4318]}
        if uses_redis:
            expected["redis"] = [6379]
        assert destinations == expected, service
        database = policies[f"{service}-db"]
        assert {"podSelector": {"matchLabels": {"app.kubernetes.io/name": service}}} in [peer for peer, _ in allowed(database, "ingress")]
        others = [peer for peer, _ in allowed(database, "ingress") if "app.kubernetes.io/name" in peer.get("podSelector", {}).get("matchLabels", {})]
        assert others == [{"podSelector": {"matchLabels": {"app.kubernetes.io/name": service}}}]


def test_the_ingress_sends_every_route_and_the_websocket_to_the_edge():
    [ingress] = of_kind("Ingress").values()
    paths = {path["path"]: path["backend"]["service"]["name"] for rule in ingress["spec"]["rules"] for path in rule["http"]["paths"]}
    assert paths == {"/ws": "edge", "/api": "edge", "/openapi": "edge", "/": "edge"}
    assert int(ingress["metadata"]["annotations"]["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 3600


def locations(conf):
    """The paths of a configuration's prefix and exact-match locations (not its regular expressions)."""
    return set(re.findall(r"location\s+(?:=\s+)?(\S+)\s*\{", conf))


def test_the_kubernetes_edge_routes_what_the_container_edge_routes_and_nginx_accepts_it(tmp_path):
    nginx = ROOT / "compose" / "nginx"
    kubernetes = (nginx / "edge.kubernetes.conf").read_text()
    docker = (nginx / "edge.docker.conf").read_text()
    # The container edge reaches each document through one regular-expression location (resolved at
    # request time); this one, with no resolver, spells out one location per service.
    assert "location ~ ^/openapi/(" in docker
    assert locations(kubernetes) == locations(docker) | {f"/openapi/{service}.json" for service in STACK}
    assert set(re.findall(r"upstream (\w+) \{ server (\w+):8080;", kubernetes)) == {(service, service) for service in STACK}
    # The edge image carries every file the configuration includes.
    dockerfile = (ROOT / "compose" / "edge.Dockerfile").read_text()
    for included in set(re.findall(r"include (edge-[a-z]+\.conf|[a-z-]+\.conf);", kubernetes + (nginx / "edge-http.conf").read_text())):
        assert f"compose/nginx/{included}" in dockerfile, included
    # nginx itself reads it, the services' names standing for loopback and its paths in a folder.
    for name in ("edge-http.conf", "edge-server.conf", "edge-headers.conf", "cors-origins.conf", "client-rate.conf"):
        (tmp_path / name).write_text((nginx / name).read_text())
    local = re.sub(r"server (\w+):8080;", "server 127.0.0.1:8080;", kubernetes).replace("/tmp/", f"{tmp_path}/")
    (tmp_path / "nginx.conf").write_text(local)
    checked = subprocess.run(["nginx", "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")], capture_output=True, text=True)
    assert "syntax is ok" in checked.stderr, checked.stderr


def test_keda_scales_the_consumers_on_their_queues_and_replaces_their_autoscalers():
    objects = of_kind("ScaledObject", KEDA_RESOURCES)
    removed = {patch["patch"].split("name: ")[1].strip(" }\n") for patch in KEDA["patches"]}
    assert set(objects) == removed and removed <= set(of_kind("HorizontalPodAutoscaler"))
    for name, scaled in objects.items():
        queues = [trigger["metadata"]["queueName"] for trigger in scaled["spec"]["triggers"] if trigger["type"] == "rabbitmq"]
        assert queues and all(queue.startswith(f"{name}.") for queue in queues), name
