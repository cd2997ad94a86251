//! The operator's own Deployment, for both install models.

use k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec};
use k8s_openapi::api::core::v1::{
    Container, EnvVar, EnvVarSource, ObjectFieldSelector, PodSpec, PodTemplateSpec,
    ResourceRequirements,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use kube::api::ObjectMeta;

use crate::controller::Scope;
use crate::controller::server::{container_security, pod_security};
use crate::rbac::NAME;

/// The operator image, without its tag.
pub const IMAGE: &str = "ghcr.io/nauthera/nauthera-operator";

/// The operator Deployment: two replicas (one leads), non-root, watching `scope`.
pub(super) fn deployment(operator_namespace: &str, scope: &Scope) -> Deployment {
    let labels = std::collections::BTreeMap::from([
        ("app.kubernetes.io/name".to_owned(), NAME.to_owned()),
        (
            "app.kubernetes.io/part-of".to_owned(),
            "nauthera".to_owned(),
        ),
    ]);
    let scope_arg = match scope {
        Scope::AllNamespaces => "--all-namespaces".to_owned(),
        Scope::Namespace(namespace) => format!("--namespace={namespace}"),
    };
    let container = Container {
        name: "operator".to_owned(),
        image: Some(format!("{IMAGE}:{}", env!("CARGO_PKG_VERSION"))),
        args: Some(vec!["run".to_owned(), scope_arg]),
        env: Some(vec![
            field_env("POD_NAME", "metadata.name"),
            field_env("POD_NAMESPACE", "metadata.namespace"),
        ]),
        resources: Some(ResourceRequirements {
            requests: Some(
                [("cpu", "50m"), ("memory", "64Mi")]
                    .into_iter()
                    .map(|(key, value)| (key.to_owned(), Quantity(value.to_owned())))
                    .collect(),
            ),
            limits: Some(
                [("memory".to_owned(), Quantity("256Mi".to_owned()))]
                    .into_iter()
                    .collect(),
            ),
            ..ResourceRequirements::default()
        }),
        security_context: Some(container_security()),
        ..Container::default()
    };
    Deployment {
        metadata: ObjectMeta {
            name: Some(NAME.to_owned()),
            namespace: Some(operator_namespace.to_owned()),
            labels: Some(labels.clone()),
            ..ObjectMeta::default()
        },
        spec: Some(DeploymentSpec {
            replicas: Some(2),
            selector: LabelSelector {
                match_labels: Some(labels.clone()),
                ..LabelSelector::default()
            },
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(labels),
                    ..ObjectMeta::default()
                }),
                spec: Some(PodSpec {
                    service_account_name: Some(NAME.to_owned()),
                    containers: vec![container],
                    security_context: Some(pod_security()),
                    ..PodSpec::default()
                }),
            },
            ..DeploymentSpec::default()
        }),
        ..Deployment::default()
    }
}

fn field_env(name: &str, path: &str) -> EnvVar {
    EnvVar {
        name: name.to_owned(),
        value_from: Some(EnvVarSource {
            field_ref: Some(ObjectFieldSelector {
                field_path: path.to_owned(),
                ..ObjectFieldSelector::default()
            }),
            ..EnvVarSource::default()
        }),
        ..EnvVar::default()
    }
}
