"""Static checks of the deployment files: docker-compose.yml, deploy/ and the Dockerfiles.

No Docker engine or cluster is needed. The schema validators run offline:
check-jsonschema ships the Compose spec schema (``vendor.compose-spec``) and
kubernetes-validate ships the Kubernetes OpenAPI schemas. Both are in the
workspace's dev dependency group and are run from the interpreter's own bin/
directory, so the test uses the versions locked with the project.
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPO / "docker-compose.yml"
K8S_DIR = REPO / "deploy" / "k8s"
COLLECTOR_CONFIG = REPO / "deploy" / "otel-collector" / "config.yaml"
INIT_DATABASES = REPO / "deploy" / "postgres" / "init-databases.sql"

# Not resolve()d: in a virtualenv, sys.executable is the venv's bin/python and
# the console scripts sit beside it; resolving would follow the symlink out.
BIN_DIR = Path(sys.executable).parent

# Kubernetes version to validate against. kubernetes-validate bundles the
# schemas of the last dozen or so minor versions; raise this when the oldest
# cluster we deploy to is upgraded (or when the tool stops shipping it).
K8S_VERSION = "1.33.0"

# Which endpoint each probe must check (liveness must not depend on Kafka or
# PostgreSQL, or an outage of either would restart every pod).
PROBE_PATHS = {"readinessProbe": "/health/ready", "livenessProbe": "/health/live"}

# Manifests that are deliberately not part of the kustomization (see the
# comment in identify/secret.example.yaml).
NOT_IN_KUSTOMIZATION = {"secret.example.yaml"}


@dataclass(frozen=True)
class Service:
    """A service with its own image: the per-service checks below run for each of these."""

    name: str  # compose service, Deployment, k8s Service, console script and package name
    dockerfile: str  # relative to the repository root
    port: int
    database: bool  # owns a PostgreSQL database (<PREFIX>_DATABASE_URL)
    kafka_producer: bool  # publishes events, with the idempotent producer on
    published: bool = False  # reachable from outside; only the gateway: front ends talk to nothing else

    @property
    def prefix(self) -> str:
        """Its settings' environment variable prefix (IDENTIFY_, GATEWAY_…), without the _."""
        return self.name.upper()

    def __str__(self) -> str:  # the parametrised tests' ids
        return self.name


# Every image this repository builds; a new service is added here (and the
# compose test below fails until it is).
SERVICES = (
    Service("identify", "services/identify/Dockerfile", 8001, database=True, kafka_producer=True),
    Service("referral", "services/referral/Dockerfile", 8002, database=True, kafka_producer=True),
    # calls identify and referral over HTTP and only reads Kafka (the lobby's live subscription)
    Service("gateway", "gateway/Dockerfile", 8000, database=False, kafka_producer=False, published=True),
)
BY_NAME = {service.name: service for service in SERVICES}
per_service = pytest.mark.parametrize("service", SERVICES, ids=str)


# --- helpers -------------------------------------------------------------------


def _tool(name: str) -> Path:
    path = BIN_DIR / name
    if not path.exists():
        pytest.fail(f"{name} is not installed next to {sys.executable} (dev dependency group)")
    return path


def _run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], cwd=REPO, capture_output=True, text=True, timeout=120)


def _output(result: subprocess.CompletedProcess[str]) -> str:
    return f"exit {result.returncode}\n--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"


def _compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE_FILE.read_text())


def _environment(service: dict[str, Any]) -> dict[str, str]:
    """A compose service's environment as a dict, whichever form the file uses."""
    env = service.get("environment") or {}
    if isinstance(env, list):
        return dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {key: "" if value is None else value for key, value in env.items()}


def _k8s_manifests() -> list[Path]:
    return sorted(
        path
        for pattern in ("*.yaml", "*.yml")
        for path in K8S_DIR.rglob(pattern)
        if path.name != "kustomization.yaml"
    )


def _k8s_documents() -> list[dict[str, Any]]:
    return [
        doc for path in _k8s_manifests() for doc in yaml.safe_load_all(path.read_text()) if doc is not None
    ]


def _deployments() -> list[dict[str, Any]]:
    deployments = [doc for doc in _k8s_documents() if doc.get("kind") == "Deployment"]
    assert deployments, f"no Deployment found under {K8S_DIR}"
    return deployments


def _k8s_object(kind: str, name: str) -> dict[str, Any]:
    found = [d for d in _k8s_documents() if d.get("kind") == kind and d["metadata"]["name"] == name]
    assert found, f"no {kind} {name!r} under {K8S_DIR}"
    return found[0]


def _dockerfile(service: Service) -> str:
    path = REPO / service.dockerfile
    assert path.is_file(), f"{service.name}: {service.dockerfile} does not exist"
    return path.read_text()


# --- schema validation -----------------------------------------------------------


def test_compose_file_matches_compose_spec() -> None:
    result = _run(_tool("check-jsonschema"), "--builtin-schema", "vendor.compose-spec", COMPOSE_FILE)
    assert result.returncode == 0, _output(result)


def test_there_are_kubernetes_manifests_to_validate() -> None:
    # Guards the parametrised test below against silently validating nothing.
    assert _k8s_manifests(), f"no manifests found under {K8S_DIR}"


@pytest.mark.parametrize("manifest", _k8s_manifests(), ids=lambda path: str(path.relative_to(K8S_DIR)))
def test_kubernetes_manifest_matches_schema(manifest: Path) -> None:
    # --strict rejects unknown fields (a misspelt "readinesProbe" would
    # otherwise pass and simply be ignored by the API server).
    result = _run(_tool("kubernetes-validate"), "--strict", "--kubernetes-version", K8S_VERSION, manifest)
    assert result.returncode == 0, _output(result)
    # An unknown kind or apiVersion (a typo, or a removed beta API) only
    # produces a warning and exit code 0.
    assert "Couldn't find schema" not in result.stdout + result.stderr, _output(result)


# --- docker-compose.yml ---------------------------------------------------------


def test_compose_dependencies_wait_for_healthchecked_services() -> None:
    services = _compose()["services"]
    for service in SERVICES:
        # a service waits for Kafka and PostgreSQL, the gateway for the services and Kafka
        assert services[service.name].get("depends_on"), f"{service.name} should wait for what it uses"

    problems = []
    for name, service in services.items():
        depends_on = service.get("depends_on") or {}
        # The short (list) form means "started", not "healthy": the dependent
        # would start before Kafka or PostgreSQL accept connections.
        if isinstance(depends_on, list):
            problems.append(f"{name}: depends_on must use the long form with a condition")
            continue
        for dependency, spec in depends_on.items():
            target = services.get(dependency)
            if target is None:
                problems.append(f"{name}: depends on undefined service {dependency!r}")
                continue
            healthcheck = target.get("healthcheck") or {}
            if not healthcheck.get("test") or healthcheck.get("disable"):
                problems.append(f"{name}: depends on {dependency!r}, which has no healthcheck")
            if (spec or {}).get("condition") != "service_healthy":
                problems.append(f"{name}: depends on {dependency!r} without service_healthy")
    assert not problems, "\n".join(problems)


@per_service
def test_compose_service_environment(service: Service) -> None:
    services = _compose()["services"]
    env = _environment(services[service.name])
    prefix = service.prefix

    if service.kafka_producer:
        # A string: compose passes YAML booleans through unpredictably
        # (True/"True"), and pydantic-settings must see "true".
        assert env.get(f"{prefix}_KAFKA_IDEMPOTENCE") == "true"

    endpoint = env.get("OTEL_EXPORTER_OTLP_ENDPOINT", "")
    url = urlparse(endpoint)
    assert url.scheme == "http" and url.hostname, f"bad OTLP endpoint {endpoint!r}"
    assert url.hostname in services, f"OTLP endpoint host {url.hostname!r} is not a compose service"
    # The services export with the http/protobuf exporter, which the
    # collector receives on 4318 (4317 is gRPC).
    assert url.port == 4318, f"OTLP endpoint {endpoint!r} is not the OTLP/HTTP port"

    assert env.get("OTEL_SERVICE_NAME") == service.name
    if service.database:
        assert urlparse(env.get(f"{prefix}_DATABASE_URL", "")).hostname in services
    assert env.get(f"{prefix}_KAFKA_BOOTSTRAP_SERVERS", "").split(":")[0] in services


def test_each_database_is_created_for_the_compose_postgres() -> None:
    # init-databases.sql creates them on the first start; the services' URLs name them
    created = set(
        re.findall(r"^CREATE DATABASE (\w+) OWNER branchflow;", INIT_DATABASES.read_text(), re.MULTILINE)
    )
    services = _compose()["services"]
    for service in SERVICES:
        if service.database:
            url = urlparse(_environment(services[service.name])[f"{service.prefix}_DATABASE_URL"])
            assert url.path.lstrip("/") == service.name in created, (service.name, url.path, created)


def test_the_gateway_has_a_setting_for_each_service_and_waits_for_it() -> None:
    from branchflow_gateway.config import GatewaySettings

    gateway = _compose()["services"]["gateway"]
    env = _environment(gateway)
    for service in SERVICES:
        if service.name == "gateway":
            continue
        variable = f"GATEWAY_{service.prefix}_URL"
        # the name the gateway reads (GatewaySettings.<service>_url), not a variable it would ignore
        settings = GatewaySettings(**{f"{service.name}_url": env[variable]})
        assert settings.upstream_url(service.name) == env[variable]
        assert gateway["depends_on"][service.name] == {"condition": "service_healthy"}


def test_compose_services_share_one_jwt_secret() -> None:
    # The gateway verifies the caller's token and forwards it; the services
    # verify it again, so they must all accept the same signature.
    services = _compose()["services"]
    secrets = {s.name: _environment(services[s.name]).get(f"{s.prefix}_JWT_SECRET") for s in SERVICES}
    assert all(secrets.values()), f"a service has no JWT secret: {secrets}"
    assert len(set(secrets.values())) == 1, f"the services' JWT secrets differ: {secrets}"


def _service_urls(env: dict[str, str], service: Service) -> dict[Service, str]:
    """``<PREFIX>_<OTHER>_URL`` variables: where this service calls another one."""
    return {
        other: env[f"{service.prefix}_{other.prefix}_URL"]
        for other in SERVICES
        if other != service and f"{service.prefix}_{other.prefix}_URL" in env
    }


def test_service_urls_point_at_the_services() -> None:
    services = _compose()["services"]
    called = []
    problems = []
    for service in SERVICES:
        compose_env = _environment(services[service.name])
        for other, value in _service_urls(compose_env, service).items():
            called.append(f"compose {service.name} -> {other.name}")
            url = urlparse(value)
            if (url.hostname, url.port) != (other.name, other.port):
                problems.append(f"compose {service.name}: {value!r} is not {other.name}:{other.port}")

        config_map = _k8s_object("ConfigMap", f"{service.name}-config")
        for other, value in _service_urls(config_map["data"], service).items():
            called.append(f"k8s {service.name} -> {other.name}")
            url = urlparse(value)
            k8s_service = _k8s_object("Service", other.name)
            ports = [port["port"] for port in k8s_service["spec"]["ports"]]
            # "identify", "identify.branchflow" or "identify.branchflow.svc.cluster.local"
            if (url.hostname or "").split(".")[0] != other.name or url.port not in ports:
                problems.append(f"k8s {service.name}: {value!r} is not the {other.name} Service {ports}")
    assert not problems, "\n".join(problems)
    for service in SERVICES:
        if service.name != "gateway":  # the gateway reaches every service behind it, in both shapes
            assert f"compose gateway -> {service.name}" in called, called
            assert f"k8s gateway -> {service.name}" in called, called


def test_compose_built_services_report_traces_under_their_own_name() -> None:
    services = _compose()["services"]
    built = {name: service for name, service in services.items() if "build" in service}
    assert set(built) == set(BY_NAME), f"built in compose: {sorted(built)}; in SERVICES: {sorted(BY_NAME)}"
    for name, service in built.items():
        env = _environment(service)
        assert env.get("OTEL_SERVICE_NAME") == name, name
        assert env.get("OTEL_EXPORTER_OTLP_ENDPOINT"), name
        assert service.get("healthcheck", {}).get("test"), f"{name} has no healthcheck"


def test_compose_bind_mounted_files_exist() -> None:
    missing = []
    for name, service in _compose()["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0] if isinstance(volume, str) else volume.get("source")
            if source and source.startswith(".") and not (REPO / source).exists():
                missing.append(f"{name}: {source}")
    assert not missing, f"bind-mount sources missing: {missing}"


def test_collector_pipelines_use_only_defined_components() -> None:
    config = yaml.safe_load(COLLECTOR_CONFIG.read_text())
    pipelines = config["service"]["pipelines"]
    assert "traces" in pipelines
    problems = [
        f"{pipeline}: {kind} {component!r} is not defined"
        for pipeline, spec in pipelines.items()
        for kind in ("receivers", "processors", "exporters")
        for component in spec.get(kind, [])
        if component not in (config.get(kind) or {})
    ]
    problems += [
        f"extension {name!r} is not defined"
        for name in config["service"].get("extensions", [])
        if name not in (config.get("extensions") or {})
    ]
    assert not problems, "\n".join(problems)
    # Traces go on to Jaeger, at a host the compose file defines.
    services = _compose()["services"]
    jaeger = [
        config["exporters"][name]["endpoint"] for name in pipelines["traces"]["exporters"] if "jaeger" in name
    ]
    assert jaeger, "the traces pipeline does not export to Jaeger"
    assert all(endpoint.split(":")[0] in services for endpoint in jaeger), jaeger


# --- Kubernetes -----------------------------------------------------------------


def test_every_deployment_has_probes_and_resource_limits() -> None:
    problems = []
    for deployment in _deployments():
        name = deployment["metadata"]["name"]
        for container in deployment["spec"]["template"]["spec"]["containers"]:
            where = f"{name}/{container['name']}"
            for probe, path in PROBE_PATHS.items():
                spec = container.get(probe)
                if not spec:
                    problems.append(f"{where}: no {probe}")
                elif spec.get("httpGet", {}).get("path") != path:
                    problems.append(f"{where}: {probe} does not check {path}")
            resources = container.get("resources", {})
            for kind in ("limits", "requests"):
                for resource in ("cpu", "memory"):
                    if resource not in resources.get(kind, {}):
                        problems.append(f"{where}: no {resource} in resources.{kind}")
    assert not problems, "\n".join(problems)


def test_every_deployment_runs_as_non_root_with_read_only_root() -> None:
    problems = []
    for deployment in _deployments():
        name = deployment["metadata"]["name"]
        pod = deployment["spec"]["template"]["spec"]
        if not pod.get("securityContext", {}).get("runAsNonRoot"):
            problems.append(f"{name}: pod securityContext.runAsNonRoot is not true")
        for container in pod["containers"]:
            security = container.get("securityContext", {})
            if not security.get("readOnlyRootFilesystem"):
                problems.append(f"{name}/{container['name']}: root filesystem is writable")
            if security.get("allowPrivilegeEscalation") is not False:
                problems.append(f"{name}/{container['name']}: privilege escalation allowed")
    assert not problems, "\n".join(problems)


def test_services_and_budgets_select_deployment_pods() -> None:
    pod_labels = [d["spec"]["template"]["metadata"]["labels"] for d in _deployments()]

    def selects_some_pod(selector: dict[str, str]) -> bool:
        return bool(selector) and any(
            all(labels.get(k) == v for k, v in selector.items()) for labels in pod_labels
        )

    problems = []
    for doc in _k8s_documents():
        kind, name = doc.get("kind"), doc.get("metadata", {}).get("name")
        if kind == "Service":
            selector = doc["spec"].get("selector", {})
        elif kind == "PodDisruptionBudget":
            selector = doc["spec"].get("selector", {}).get("matchLabels", {})
        else:
            continue
        if not selects_some_pod(selector):
            problems.append(f"{kind} {name}: selector {selector} matches no Deployment's pods")
    assert not problems, "\n".join(problems)


def test_deployment_references_existing_config_and_ports() -> None:
    docs = _k8s_documents()
    config_maps = {d["metadata"]["name"] for d in docs if d["kind"] == "ConfigMap"}
    secrets = {d["metadata"]["name"] for d in docs if d["kind"] == "Secret"}
    for deployment in _deployments():
        for container in deployment["spec"]["template"]["spec"]["containers"]:
            port_names = {port["name"] for port in container.get("ports", [])}
            for source in container.get("envFrom", []):
                if "configMapRef" in source:
                    assert source["configMapRef"]["name"] in config_maps
                if "secretRef" in source:
                    # The real Secret comes from the secret manager; the
                    # example documents its name and keys.
                    assert source["secretRef"]["name"] in secrets
            for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
                port = container.get(probe, {}).get("httpGet", {}).get("port")
                if isinstance(port, str):
                    assert port in port_names, f"{probe} uses undefined port name {port!r}"


def test_kustomization_lists_every_manifest() -> None:
    kustomization = yaml.safe_load((K8S_DIR / "kustomization.yaml").read_text())
    listed = set(kustomization["resources"])
    missing_files = sorted(r for r in listed if not (K8S_DIR / r).is_file())
    assert not missing_files, f"kustomization lists files that do not exist: {missing_files}"
    unlisted = sorted(
        str(path.relative_to(K8S_DIR))
        for path in _k8s_manifests()
        if path.name not in NOT_IN_KUSTOMIZATION and str(path.relative_to(K8S_DIR)) not in listed
    )
    assert not unlisted, f"manifests missing from kustomization.yaml: {unlisted}"


# --- Dockerfiles agree with compose and Kubernetes ----------------------------------


@per_service
def test_image_port_and_user_match_compose_and_kubernetes(service: Service) -> None:
    dockerfile = _dockerfile(service)
    exposed = re.findall(r"^EXPOSE\s+(\d+)", dockerfile, re.MULTILINE)
    users = re.findall(r"^USER\s+(\S+)", dockerfile, re.MULTILINE)
    assert exposed == [str(service.port)], exposed
    assert re.search(r"^HEALTHCHECK\s", dockerfile, re.MULTILINE), "no HEALTHCHECK"
    # The last USER is the runtime user; numeric, so runAsNonRoot can verify it.
    assert users and users[-1].split(":")[0].isdigit() and users[-1].split(":")[0] != "0"
    # The image installs this service's package and starts its console script.
    assert f"--package {service.name} " in dockerfile
    assert re.search(rf'^CMD \["{service.name}"\]', dockerfile, re.MULTILINE), "CMD is not the console script"

    composed = _compose()["services"][service.name]
    if service.published:
        assert any(str(port).endswith(f":{service.port}") for port in composed["ports"]), composed["ports"]
    else:  # reached by the gateway on the compose network only
        assert "ports" not in composed, f"{service.name} is published: {composed['ports']}"
        assert [str(port) for port in composed["expose"]] == [str(service.port)]

    deployment = _k8s_object("Deployment", service.name)
    pod = deployment["spec"]["template"]["spec"]
    assert str(pod["securityContext"]["runAsUser"]) == users[-1].split(":")[0]
    assert [p["containerPort"] for p in pod["containers"][0]["ports"]] == [service.port]


@per_service
def test_service_listens_on_all_interfaces_in_containers(service: Service) -> None:
    # The settings default to 127.0.0.1 for the embedded dev stack; inside a
    # container that address is unreachable by published ports, other
    # containers and the kubelet's probes.
    variable = f"{service.prefix}_HTTP_HOST"
    assert re.search(rf"^\s*{variable}=0\.0\.0\.0\b", _dockerfile(service), re.MULTILINE)

    compose_env = _environment(_compose()["services"][service.name])
    assert compose_env.get(variable) == "0.0.0.0"

    config_map = _k8s_object("ConfigMap", f"{service.name}-config")
    assert config_map["data"].get(variable) == "0.0.0.0"


def test_kustomization_pins_every_deployment_image() -> None:
    kustomization = yaml.safe_load((K8S_DIR / "kustomization.yaml").read_text())
    pinned = {image["name"] for image in kustomization.get("images", [])}
    images = {
        container["image"].rsplit(":", 1)[0]
        for deployment in _deployments()
        for container in deployment["spec"]["template"]["spec"]["containers"]
    }
    assert images <= pinned, f"images without a tag in kustomization.yaml: {sorted(images - pinned)}"
    assert {f"branchflow/{service.name}" for service in SERVICES} <= images, sorted(images)


def test_compose_gateway_links_the_ops_view_to_traces_in_the_published_jaeger_ui() -> None:
    from branchflow_gateway.config import GatewaySettings

    services = _compose()["services"]
    template = _environment(services["gateway"])["GATEWAY_TRACE_URL_TEMPLATE"]
    GatewaySettings(trace_url_template=template)  # the gateway accepts it at start
    url = urlparse(template)
    assert url.hostname == "localhost" and url.path == "/trace/{trace_id}", template
    published = [str(p).split(" ")[0] for p in services["jaeger"]["ports"]]
    assert any(p.endswith(f"{url.port}:{url.port}") for p in published), published
