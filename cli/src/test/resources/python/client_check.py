"""Drives a Dirigent server with Kubernetes' official Python client (Debian's python3-kubernetes).

Usage: client_check.py KUBECONFIG NAMESPACE
Prints one JSON object with what each call returned; exits non-zero on the first failure.
"""
import json
import sys

from kubernetes import client, config, watch

config.load_kube_config(config_file=sys.argv[1])
ns = sys.argv[2]
core = client.CoreV1Api()
apps = client.AppsV1Api()
result = {}

core.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name=ns)))
core.create_namespaced_config_map(ns, client.V1ConfigMap(
    metadata=client.V1ObjectMeta(name="settings", labels={"app": "py"}), data={"colour": "blue"}))
result["read"] = core.read_namespaced_config_map("settings", ns).data["colour"]
listed = core.list_namespaced_config_map(ns, label_selector="app=py")
result["listed"] = [item.metadata.name for item in listed.items]
core.patch_namespaced_config_map("settings", ns, {"data": {"colour": "green"}})
result["patched"] = core.read_namespaced_config_map("settings", ns).data["colour"]

core.create_namespaced_secret(ns, client.V1Secret(metadata=client.V1ObjectMeta(name="db"), string_data={"password": "hunter2"}))
result["secret_keys"] = sorted(core.read_namespaced_secret("db", ns).data.keys())

apps.create_namespaced_deployment(ns, client.V1Deployment(
    metadata=client.V1ObjectMeta(name="web"),
    spec=client.V1DeploymentSpec(
        replicas=2,
        selector=client.V1LabelSelector(match_labels={"app": "web"}),
        template=client.V1PodTemplateSpec(
            metadata=client.V1ObjectMeta(labels={"app": "web"}),
            spec=client.V1PodSpec(containers=[client.V1Container(name="web", image="dirigent/httpenv:1")])))))
result["deployment_replicas"] = apps.read_namespaced_deployment("web", ns).spec.replicas

events = []
stream = watch.Watch()
for event in stream.stream(core.list_namespaced_config_map, ns, resource_version=listed.metadata.resource_version, timeout_seconds=10):
    events.append(event["type"] + " " + event["object"].metadata.name)
    if len(events) == 2:
        stream.stop()
    if len(events) == 1:
        core.delete_namespaced_config_map("settings", ns)
result["watched"] = events

review = client.AuthorizationV1Api().create_self_subject_access_review(client.V1SelfSubjectAccessReview(
    spec=client.V1SelfSubjectAccessReviewSpec(resource_attributes=client.V1ResourceAttributes(
        namespace=ns, verb="list", resource="secrets"))))
result["can_list_secrets"] = review.status.allowed

try:
    core.read_namespaced_config_map("settings", ns)
    result["after_delete"] = "found"
except client.exceptions.ApiException as e:
    result["after_delete"] = e.status

print(json.dumps(result))
