"""Deployment files for several hosts: the Kubernetes manifests pass the Kubernetes API schemas
(kubernetes-validate, offline, strict) and say what the product needs; the systemd drop-in runs the
bridge for one host."""

from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from analytics.assets import REPO_ROOT

DEPLOY = REPO_ROOT / "genetec_bridge/deploy"
MANIFESTS = sorted((DEPLOY / "kubernetes").glob("*.yaml"))
KUBERNETES = "1.33.0"


def documents() -> list[dict]:
    return [doc for path in MANIFESTS for doc in yaml.safe_load_all(path.read_text()) if doc]


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.name)
def test_manifest_is_valid_against_the_kubernetes_schemas(path: Path) -> None:
    for document in yaml.safe_load_all(path.read_text()):
        kubernetes_validate.validate(document, KUBERNETES, strict=True)


def test_the_validator_refuses_a_broken_manifest() -> None:
    deployment = next(d for d in documents() if d["kind"] == "Deployment")
    broken = {**deployment, "spec": {**deployment["spec"], "replicas": "two"}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES, strict=True)


def test_triton_has_a_gpu_and_a_service_and_each_host_its_bridge() -> None:
    kinds = {(d["kind"], d["metadata"]["name"]) for d in documents()}
    assert {("Deployment", "triton"), ("Service", "triton")} <= kinds
    triton = next(d for d in documents() if (d["kind"], d["metadata"]["name"]) == ("Deployment", "triton"))
    (container,) = triton["spec"]["template"]["spec"]["containers"]
    assert container["resources"]["limits"]["nvidia.com/gpu"] == "1"
    bridges = [
        d for d in documents() if d["kind"] == "Deployment" and d["metadata"]["name"].startswith("bridge-")
    ]
    hosts = []
    for bridge in bridges:
        assert bridge["spec"]["replicas"] == 1 and bridge["spec"]["strategy"]["type"] == "Recreate"
        (container,) = bridge["spec"]["template"]["spec"]["containers"]
        assert container["args"][:2] == ["genetec-bridge", "run"]
        hosts.append(container["args"][container["args"].index("--host") + 1])
    assert sorted(hosts) == ["analysis-1", "analysis-2"]


def test_systemd_drop_in_runs_the_bridge_for_its_host() -> None:
    text = (DEPLOY / "systemd/genetec-bridge.service.d/analysis-host.conf").read_text()
    exec_lines = [line for line in text.splitlines() if line.startswith("ExecStart=")]
    assert exec_lines[0] == "ExecStart=" and "--host ${ANALYSIS_HOST}" in exec_lines[1]
