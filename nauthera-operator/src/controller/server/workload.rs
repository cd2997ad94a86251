//! The server's Deployment and PodDisruptionBudget.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{
    Deployment, DeploymentSpec, DeploymentStrategy, RollingUpdateDeployment,
};
use k8s_openapi::api::core::v1::{
    Affinity, Capabilities, ConfigMapVolumeSource, Container, ContainerPort, EnvVar, EnvVarSource,
    HTTPGetAction, PodAffinityTerm, PodAntiAffinity, PodSecurityContext, PodSpec, PodTemplateSpec,
    Probe, SeccompProfile, SecretKeySelector, SecretVolumeSource, SecurityContext, Volume,
    VolumeMount, WeightedPodAffinityTerm,
};
use k8s_openapi::api::policy::v1::{PodDisruptionBudget, PodDisruptionBudgetSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use kube::api::ObjectMeta;

use super::config::{ADMIN_TLS_DIR, CONFIG_DIR, CONFIG_KEY, KEY_ENCRYPTION_DIR};
use crate::controller::names::{
    ADMIN_PORT, ADMIN_TLS_NOT_AFTER, CONFIG_CHECKSUM, HTTP_PORT, ServerNames,
};
use crate::crd::{NautheraServerSpec, SecretKeyRef};

/// The user and group the server runs as (distroless `nonroot`).
pub(crate) const NON_ROOT_ID: i64 = 65532;

/// What the Deployment depends on besides the spec.
#[derive(Clone, Debug)]
pub(crate) struct WorkloadInputs {
    /// The SHA-256 of the rendered ConfigMap.
    pub(crate) config_checksum: String,
    /// The expiry of the admin server certificate (RFC 3339).
    pub(crate) admin_tls_not_after: String,
    /// The Secret key holding the database URL.
    pub(crate) database_url: SecretKeyRef,
    /// The Secret key holding the cache URL, if there is a cache.
    pub(crate) cache_url: Option<SecretKeyRef>,
}

/// The server's Deployment: rolling updates without unavailability, migrations in an init container.
pub(crate) fn deployment(
    names: &ServerNames,
    spec: &NautheraServerSpec,
    inputs: &WorkloadInputs,
) -> Deployment {
    let image = format!("{}:{}", spec.image, spec.version);
    let env = environment(inputs);
    let mounts = volume_mounts();
    let migrate = Container {
        name: "migrate".to_owned(),
        image: Some(image.clone()),
        args: Some(vec!["migrate".to_owned()]),
        env: Some(env.clone()),
        volume_mounts: Some(mounts.clone()),
        security_context: Some(container_security()),
        resources: spec.resources.clone(),
        ..Container::default()
    };
    let server = Container {
        name: "server".to_owned(),
        image: Some(image),
        args: Some(vec!["serve".to_owned()]),
        env: Some(env),
        ports: Some(vec![port("http", HTTP_PORT), port("admin", ADMIN_PORT)]),
        readiness_probe: Some(probe("/readyz", 5, 3)),
        liveness_probe: Some(probe("/healthz", 10, 6)),
        volume_mounts: Some(mounts),
        security_context: Some(container_security()),
        resources: spec.resources.clone(),
        ..Container::default()
    };
    let annotations = BTreeMap::from([
        (CONFIG_CHECKSUM.to_owned(), inputs.config_checksum.clone()),
        (
            ADMIN_TLS_NOT_AFTER.to_owned(),
            inputs.admin_tls_not_after.clone(),
        ),
    ]);
    Deployment {
        metadata: metadata(names, names.name.clone()),
        spec: Some(DeploymentSpec {
            replicas: Some(spec.replicas),
            selector: LabelSelector {
                match_labels: Some(names.selector("server")),
                ..LabelSelector::default()
            },
            strategy: Some(DeploymentStrategy {
                type_: Some("RollingUpdate".to_owned()),
                rolling_update: Some(RollingUpdateDeployment {
                    max_unavailable: Some(IntOrString::Int(0)),
                    max_surge: Some(IntOrString::Int(1)),
                }),
            }),
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(names.labels("server")),
                    annotations: Some(annotations),
                    ..ObjectMeta::default()
                }),
                spec: Some(PodSpec {
                    init_containers: Some(vec![migrate]),
                    containers: vec![server],
                    volumes: Some(volumes(names)),
                    affinity: Some(anti_affinity(names)),
                    security_context: Some(pod_security()),
                    automount_service_account_token: Some(false),
                    ..PodSpec::default()
                }),
            },
            ..DeploymentSpec::default()
        }),
        ..Deployment::default()
    }
}

/// At least one server pod stays up through voluntary disruptions.
pub(crate) fn pod_disruption_budget(names: &ServerNames) -> PodDisruptionBudget {
    PodDisruptionBudget {
        metadata: metadata(names, names.name.clone()),
        spec: Some(PodDisruptionBudgetSpec {
            min_available: Some(IntOrString::Int(1)),
            selector: Some(LabelSelector {
                match_labels: Some(names.selector("server")),
                ..LabelSelector::default()
            }),
            ..PodDisruptionBudgetSpec::default()
        }),
        ..PodDisruptionBudget::default()
    }
}

fn metadata(names: &ServerNames, name: String) -> ObjectMeta {
    ObjectMeta {
        name: Some(name),
        namespace: Some(names.namespace.clone()),
        labels: Some(names.labels("server")),
        ..ObjectMeta::default()
    }
}

fn environment(inputs: &WorkloadInputs) -> Vec<EnvVar> {
    let mut env = vec![
        EnvVar {
            name: "NAUTHERA_CONFIG".to_owned(),
            value: Some(format!("{CONFIG_DIR}/{CONFIG_KEY}")),
            ..EnvVar::default()
        },
        secret_env("NAUTHERA_STORAGE_URL", &inputs.database_url),
    ];
    if let Some(cache) = &inputs.cache_url {
        env.push(secret_env("NAUTHERA_CACHE_URL", cache));
    }
    env
}

/// An environment variable read from a Secret key.
pub(crate) fn secret_env(name: &str, key: &SecretKeyRef) -> EnvVar {
    EnvVar {
        name: name.to_owned(),
        value_from: Some(EnvVarSource {
            secret_key_ref: Some(SecretKeySelector {
                name: key.name.clone(),
                key: key.key.clone(),
                optional: Some(false),
            }),
            ..EnvVarSource::default()
        }),
        ..EnvVar::default()
    }
}

fn volume_mounts() -> Vec<VolumeMount> {
    [
        ("config", CONFIG_DIR),
        ("admin-tls", ADMIN_TLS_DIR),
        ("key-encryption", KEY_ENCRYPTION_DIR),
    ]
    .into_iter()
    .map(|(name, path)| VolumeMount {
        name: name.to_owned(),
        mount_path: path.to_owned(),
        read_only: Some(true),
        ..VolumeMount::default()
    })
    .collect()
}

fn volumes(names: &ServerNames) -> Vec<Volume> {
    let secret = |name: &str, secret_name: String| Volume {
        name: name.to_owned(),
        secret: Some(SecretVolumeSource {
            secret_name: Some(secret_name),
            default_mode: Some(0o440),
            ..SecretVolumeSource::default()
        }),
        ..Volume::default()
    };
    vec![
        Volume {
            name: "config".to_owned(),
            config_map: Some(ConfigMapVolumeSource {
                name: names.config_map(),
                ..ConfigMapVolumeSource::default()
            }),
            ..Volume::default()
        },
        secret("admin-tls", names.admin_tls()),
        secret("key-encryption", names.key_encryption()),
    ]
}

fn port(name: &str, number: i32) -> ContainerPort {
    ContainerPort {
        name: Some(name.to_owned()),
        container_port: number,
        protocol: Some("TCP".to_owned()),
        ..ContainerPort::default()
    }
}

fn probe(path: &str, period_seconds: i32, failure_threshold: i32) -> Probe {
    Probe {
        http_get: Some(HTTPGetAction {
            path: Some(path.to_owned()),
            port: IntOrString::String("http".to_owned()),
            ..HTTPGetAction::default()
        }),
        period_seconds: Some(period_seconds),
        failure_threshold: Some(failure_threshold),
        timeout_seconds: Some(2),
        ..Probe::default()
    }
}

fn anti_affinity(names: &ServerNames) -> Affinity {
    Affinity {
        pod_anti_affinity: Some(PodAntiAffinity {
            preferred_during_scheduling_ignored_during_execution: Some(vec![
                WeightedPodAffinityTerm {
                    weight: 100,
                    pod_affinity_term: PodAffinityTerm {
                        topology_key: "kubernetes.io/hostname".to_owned(),
                        label_selector: Some(LabelSelector {
                            match_labels: Some(names.selector("server")),
                            ..LabelSelector::default()
                        }),
                        ..PodAffinityTerm::default()
                    },
                },
            ]),
            ..PodAntiAffinity::default()
        }),
        ..Affinity::default()
    }
}

/// The pod security context of every pod the operator makes: non-root, default seccomp profile.
pub(crate) fn pod_security() -> PodSecurityContext {
    PodSecurityContext {
        run_as_non_root: Some(true),
        run_as_user: Some(NON_ROOT_ID),
        run_as_group: Some(NON_ROOT_ID),
        fs_group: Some(NON_ROOT_ID),
        seccomp_profile: Some(SeccompProfile {
            type_: "RuntimeDefault".to_owned(),
            ..SeccompProfile::default()
        }),
        ..PodSecurityContext::default()
    }
}

/// The container security context: no privilege escalation, no capabilities, read-only root.
pub(crate) fn container_security() -> SecurityContext {
    SecurityContext {
        allow_privilege_escalation: Some(false),
        read_only_root_filesystem: Some(true),
        capabilities: Some(Capabilities {
            drop: Some(vec!["ALL".to_owned()]),
            ..Capabilities::default()
        }),
        ..SecurityContext::default()
    }
}
