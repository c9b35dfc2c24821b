"""deploy/: what can be checked without a container engine. The YAML parses and has the expected kinds;
systemd accepts the unit; every BIOGATEWAY_* setting the files set passes `biogateway config check`; every
command line they run uses subcommands and flags the binary really has."""

import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from biogateway_processes import BINARY, REPOSITORY, run

DEPLOY = REPOSITORY / "deploy"


def assert_command_exists(arguments):
    """`arguments` (without the binary) names a real subcommand, and each --flag is one of its options."""
    words = [word for word in arguments if not word.startswith("-")]
    subcommand = words[:1] if words and words[0] in ("serve", "simulate", "demo") else words[:2]
    help_text = run([*subcommand, "--help"], clean=True)
    assert help_text.returncode == 0, f"biogateway {' '.join(subcommand)} does not exist: {help_text.stderr}"
    for flag in (word.split("=")[0] for word in arguments if word.startswith("--")):
        assert re.search(rf"(^|[\s,]){re.escape(flag)}\b", help_text.stdout), f"biogateway {' '.join(subcommand)} has no {flag}"


def assert_settings_pass_check(environment, tmp_path):
    """The settings pass `config check`, with paths inside the container mapped to a temporary folder."""
    mapped = {}
    for name, value in environment.items():
        value = str(value)
        if name == "BIOGATEWAY_CACHE_PATH":
            value = str(tmp_path / "cache.sqlite")
        if name == "BIOGATEWAY_KEYS_FILE":
            keys = tmp_path / "keys.yaml"
            keys.write_text("keys:\n  - key: a-key-of-sixteen-chars\n    name: test\n")
            value = str(keys)
        mapped[name] = value
    result = run(["config", "check"], mapped, clean=True)
    assert result.returncode == 0, result.stderr


def runtime_stage(dockerfile):
    stages = re.split(r"(?m)^FROM ", dockerfile)
    return "FROM " + stages[-1]


def test_dockerfile_runtime_stage(tmp_path):
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert len(re.findall(r"(?m)^FROM ", dockerfile)) == 2, "a multi-stage build"
    assert re.search(r"(?m)^FROM swift:\S+ AS build", dockerfile)
    stage = runtime_stage(dockerfile).replace("\\\n", " ")
    assert stage.startswith("FROM debian:bookworm-slim")
    assert "libsqlite3-0" in stage
    # the web page's map: Leaflet from Debian, the world outline where web_world_outline looks by default
    assert "libjs-leaflet" in stage and "libjs-leaflet.markercluster" in stage
    assert re.search(r"(?m)^COPY --from=build \S+ /usr/share/biogateway/", stage)
    user = re.search(r"(?m)^USER (\S+)", stage).group(1)
    assert user not in ("root", "0")
    assert re.search(r"(?m)^VOLUME /var/lib/biogateway", stage)
    assert re.search(r"(?m)^HEALTHCHECK .*http://127.0.0.1:8080/healthz", stage)
    environment = dict(re.findall(r"(BIOGATEWAY_[A-Z_]+)=(\S+)", re.search(r"(?m)^ENV (.*)$", stage).group(1)))
    assert environment["BIOGATEWAY_CACHE_PATH"].startswith("/var/lib/biogateway/")
    assert_settings_pass_check(environment, tmp_path)
    entrypoint = yaml.safe_load(re.search(r"(?m)^ENTRYPOINT (.*)$", stage).group(1))
    command = yaml.safe_load(re.search(r"(?m)^CMD (.*)$", stage).group(1))
    assert entrypoint == ["/opt/biogateway/biogateway"]
    assert_command_exists(command)
    # what the build stage copies next to the binary is what a build produces
    for resources in re.findall(r"release/(\S+\.resources)", dockerfile):
        assert (Path(BINARY).parent / resources).is_dir(), f"{resources} is not built next to the binary"


def test_compose_file(tmp_path):
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    gateway = compose["services"]["gateway"]
    assert gateway["build"]["dockerfile"] == "deploy/Dockerfile"
    assert any(volume.startswith("cache:/var/lib/biogateway") for volume in gateway["volumes"])
    assert "cache" in compose["volumes"]
    environment = {
        name: re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", str(value)) for name, value in gateway["environment"].items()
    }
    environment = {name: value for name, value in environment.items() if value}
    assert_settings_pass_check(environment, tmp_path)
    simulator = compose["services"]["simulator"]
    assert simulator["profiles"] == ["trial"]
    assert_command_exists(simulator["command"])


def test_kubernetes_manifests(tmp_path):
    documents = {}
    for path in sorted((DEPLOY / "kubernetes").glob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text()):
            documents[document["kind"]] = document
    assert set(documents) == {"Deployment", "Service", "PersistentVolumeClaim", "ConfigMap", "Secret"}
    deployment = documents["Deployment"]["spec"]["template"]["spec"]
    container = deployment["containers"][0]
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["resources"]["requests"]["cpu"] and container["resources"]["requests"]["memory"]
    assert deployment["securityContext"]["runAsNonRoot"] is True
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    assert_command_exists(container["args"])
    claim = deployment["volumes"][0]["persistentVolumeClaim"]["claimName"]
    assert claim == documents["PersistentVolumeClaim"]["metadata"]["name"]
    assert documents["Service"]["spec"]["selector"] == documents["Deployment"]["spec"]["selector"]["matchLabels"]
    secret = documents["Secret"]["stringData"]
    environment = dict(documents["ConfigMap"]["data"])
    environment["BIOGATEWAY_ADMIN_TOKEN"] = secret["BIOGATEWAY_ADMIN_TOKEN"]
    assert_settings_pass_check(environment, tmp_path)
    keys = yaml.safe_load(secret["keys.yaml"])
    assert keys["keys"][0]["name"]


def test_systemd_unit():
    if shutil.which("systemd-analyze") is None:
        pytest.fail("systemd-analyze is missing: scripts/bootstrap.sh installs Debian's systemd")
    unit = (DEPLOY / "biogateway.service").read_text()
    for setting in ["StateDirectory=biogateway", "NoNewPrivileges=yes", "ProtectSystem=strict", "PrivateTmp=yes",
                    "ExecReload=/bin/kill -HUP $MAINPID", "DynamicUser=yes"]:
        assert setting in unit, f"the unit lacks {setting}"
    for line in re.findall(r"(?m)^Exec(?:Start|StartPre)=(.*)$", unit):
        words = shlex.split(line)
        assert words[0] == "/opt/biogateway/biogateway"
        assert_command_exists(words[1:])
    # systemd checks that the program exists: point the unit at the built binary
    local = Path(BINARY).resolve()
    with_binary = unit.replace("/opt/biogateway/biogateway", str(local))
    target = Path(subprocess.run(["mktemp", "-d"], capture_output=True, text=True).stdout.strip()) / "biogateway.service"
    target.write_text(with_binary)
    verified = subprocess.run(["systemd-analyze", "verify", str(target)], capture_output=True, text=True)
    assert verified.returncode == 0, verified.stderr
    assert "biogateway.service" not in verified.stderr, verified.stderr


def test_replicas_compose_file(tmp_path):
    """Two gateways on one PostgreSQL behind nginx: the password comes from a secret file, never the file."""
    folder = DEPLOY / "replicas"
    compose = yaml.safe_load((folder / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"postgres", "gateway-a", "gateway-b", "balancer"} <= set(services)
    assert services["postgres"]["image"].startswith("postgres:15")
    for name in ("gateway-a", "gateway-b"):
        gateway = services[name]
        environment = {key: re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", str(value)) for key, value in gateway["environment"].items()}
        environment = {key: value for key, value in environment.items() if value}
        assert environment["BIOGATEWAY_STORE"].startswith("postgres://") and ":" not in environment["BIOGATEWAY_STORE"].split("@")[0][len("postgres://") :]
        assert environment["BIOGATEWAY_STORE_PASSWORD_FILE"] == "/run/secrets/postgres_password"
        secret = tmp_path / "password"
        secret.write_text("a-password\n")
        environment["BIOGATEWAY_STORE_PASSWORD_FILE"] = str(secret)
        assert_settings_pass_check(environment, tmp_path)
    nginx = (folder / "nginx.conf").read_text()
    assert "server gateway-a:8080" in nginx and "server gateway-b:8080" in nginx
    assert any(volume.startswith("./nginx.conf:") for volume in services["balancer"]["volumes"])
    assert_command_exists(services["simulator"]["command"])


def test_replicas_kubernetes_manifests(tmp_path):
    documents = {}
    for path in sorted((DEPLOY / "replicas" / "kubernetes").glob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text()):
            documents[document["kind"]] = document
    assert set(documents) == {"Deployment", "Service", "ConfigMap", "Secret", "PodDisruptionBudget"}
    deployment = documents["Deployment"]
    assert deployment["spec"]["replicas"] >= 2
    template = deployment["spec"]["template"]["spec"]
    container = template["containers"][0]
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    store = next(variable for variable in container["env"] if variable["name"] == "BIOGATEWAY_STORE")
    assert store["valueFrom"]["secretKeyRef"]["name"] == documents["Secret"]["metadata"]["name"]
    assert "BIOGATEWAY_STORE" not in documents["ConfigMap"]["data"]
    assert not any("persistentVolumeClaim" in volume for volume in template["volumes"])
    budget = documents["PodDisruptionBudget"]["spec"]
    assert budget["minAvailable"] == 1
    assert budget["selector"] == deployment["spec"]["selector"]
    assert documents["Service"]["spec"]["selector"] == deployment["spec"]["selector"]["matchLabels"]
    secret = documents["Secret"]["stringData"]
    environment = dict(documents["ConfigMap"]["data"])
    environment["BIOGATEWAY_STORE"] = secret["BIOGATEWAY_STORE"]
    environment["BIOGATEWAY_ADMIN_TOKEN"] = secret["BIOGATEWAY_ADMIN_TOKEN"]
    assert_settings_pass_check(environment, tmp_path)
    # config check shows the store without its password
    shown = run(["config", "check"], environment, clean=True).stdout
    assert "change-me@" not in shown
