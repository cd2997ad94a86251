//! The managed PostgreSQL and Redis: a StatefulSet and a headless Service each.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{StatefulSet, StatefulSetSpec};
use k8s_openapi::api::core::v1::{
    Capabilities, Container, ContainerPort, EnvVar, ExecAction, PersistentVolumeClaim,
    PersistentVolumeClaimSpec, PodSecurityContext, PodSpec, PodTemplateSpec, Probe, SeccompProfile,
    SecurityContext, Service, ServiceSpec, TCPSocketAction, VolumeMount,
    VolumeResourceRequirements,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use kube::api::ObjectMeta;

use super::network::service_port;
use super::workload::secret_env;
use crate::controller::names::ServerNames;
use crate::crd::{ManagedPostgres, ManagedRedis, SecretKeyRef};

/// The PostgreSQL port.
pub(crate) const POSTGRES_PORT: i32 = 5432;
/// The Redis port.
pub(crate) const REDIS_PORT: i32 = 6379;
/// The database and user name of the managed PostgreSQL.
pub(crate) const POSTGRES_DATABASE: &str = "nauthera";
/// The uid and gid of the `postgres` and `redis` images' unprivileged users.
const DATA_USER_ID: i64 = 999;

/// The managed PostgreSQL: one pod with a persistent volume.
pub(crate) fn postgres(names: &ServerNames, spec: &ManagedPostgres) -> (StatefulSet, Service) {
    let name = names.postgres();
    let secret = |key: &str| SecretKeyRef {
        name: name.clone(),
        key: key.to_owned(),
    };
    let container = Container {
        name: "postgres".to_owned(),
        image: Some(format!("postgres:{}", spec.version)),
        env: Some(vec![
            secret_env("POSTGRES_USER", &secret("username")),
            secret_env("POSTGRES_PASSWORD", &secret("password")),
            plain_env("POSTGRES_DB", POSTGRES_DATABASE),
            plain_env("PGDATA", "/var/lib/postgresql/data/pgdata"),
        ]),
        ports: Some(vec![container_port("postgres", POSTGRES_PORT)]),
        readiness_probe: Some(Probe {
            exec: Some(ExecAction {
                command: Some(
                    [
                        "pg_isready",
                        "-U",
                        POSTGRES_DATABASE,
                        "-d",
                        POSTGRES_DATABASE,
                    ]
                    .map(str::to_owned)
                    .to_vec(),
                ),
            }),
            period_seconds: Some(5),
            ..Probe::default()
        }),
        volume_mounts: Some(vec![VolumeMount {
            name: "data".to_owned(),
            mount_path: "/var/lib/postgresql/data".to_owned(),
            ..VolumeMount::default()
        }]),
        security_context: Some(security()),
        ..Container::default()
    };
    let claim = PersistentVolumeClaim {
        metadata: ObjectMeta {
            name: Some("data".to_owned()),
            ..ObjectMeta::default()
        },
        spec: Some(PersistentVolumeClaimSpec {
            access_modes: Some(vec!["ReadWriteOnce".to_owned()]),
            resources: Some(VolumeResourceRequirements {
                requests: Some(BTreeMap::from([(
                    "storage".to_owned(),
                    Quantity(spec.storage_size.clone()),
                )])),
                ..VolumeResourceRequirements::default()
            }),
            ..PersistentVolumeClaimSpec::default()
        }),
        ..PersistentVolumeClaim::default()
    };
    let mut statefulset = statefulset(names, "postgres", container);
    if let Some(spec) = statefulset.spec.as_mut() {
        spec.volume_claim_templates = Some(vec![claim]);
    }
    (
        statefulset,
        headless_service(names, "postgres", POSTGRES_PORT),
    )
}

/// The managed Redis: one pod, a cache without persistence (no snapshots; append-only is off by default),
/// protected by a generated password.
pub(crate) fn redis(names: &ServerNames, spec: &ManagedRedis) -> (StatefulSet, Service) {
    let container = Container {
        name: "redis".to_owned(),
        image: Some(format!("redis:{}", spec.version)),
        args: Some(
            ["--requirepass", "$(REDIS_PASSWORD)", "--save", ""]
                .map(str::to_owned)
                .to_vec(),
        ),
        env: Some(vec![secret_env(
            "REDIS_PASSWORD",
            &SecretKeyRef {
                name: names.redis(),
                key: "password".to_owned(),
            },
        )]),
        ports: Some(vec![container_port("redis", REDIS_PORT)]),
        readiness_probe: Some(Probe {
            tcp_socket: Some(TCPSocketAction {
                port: IntOrString::String("redis".to_owned()),
                ..TCPSocketAction::default()
            }),
            period_seconds: Some(5),
            ..Probe::default()
        }),
        security_context: Some(security()),
        ..Container::default()
    };
    (
        statefulset(names, "redis", container),
        headless_service(names, "redis", REDIS_PORT),
    )
}

fn statefulset(names: &ServerNames, component: &str, container: Container) -> StatefulSet {
    let name = format!("{}-{component}", names.name);
    StatefulSet {
        metadata: metadata(names, component),
        spec: Some(StatefulSetSpec {
            replicas: Some(1),
            service_name: Some(name),
            selector: LabelSelector {
                match_labels: Some(names.selector(component)),
                ..LabelSelector::default()
            },
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(names.labels(component)),
                    ..ObjectMeta::default()
                }),
                spec: Some(PodSpec {
                    containers: vec![container],
                    security_context: Some(PodSecurityContext {
                        run_as_non_root: Some(true),
                        run_as_user: Some(DATA_USER_ID),
                        run_as_group: Some(DATA_USER_ID),
                        fs_group: Some(DATA_USER_ID),
                        seccomp_profile: Some(SeccompProfile {
                            type_: "RuntimeDefault".to_owned(),
                            ..SeccompProfile::default()
                        }),
                        ..PodSecurityContext::default()
                    }),
                    automount_service_account_token: Some(false),
                    ..PodSpec::default()
                }),
            },
            ..StatefulSetSpec::default()
        }),
        ..StatefulSet::default()
    }
}

fn headless_service(names: &ServerNames, component: &str, port: i32) -> Service {
    Service {
        metadata: metadata(names, component),
        spec: Some(ServiceSpec {
            cluster_ip: Some("None".to_owned()),
            selector: Some(names.selector(component)),
            ports: Some(vec![service_port(component, port)]),
            ..ServiceSpec::default()
        }),
        ..Service::default()
    }
}

fn metadata(names: &ServerNames, component: &str) -> ObjectMeta {
    ObjectMeta {
        name: Some(format!("{}-{component}", names.name)),
        namespace: Some(names.namespace.clone()),
        labels: Some(names.labels(component)),
        ..ObjectMeta::default()
    }
}

fn plain_env(name: &str, value: &str) -> EnvVar {
    EnvVar {
        name: name.to_owned(),
        value: Some(value.to_owned()),
        ..EnvVar::default()
    }
}

fn container_port(name: &str, number: i32) -> ContainerPort {
    ContainerPort {
        name: Some(name.to_owned()),
        container_port: number,
        protocol: Some("TCP".to_owned()),
        ..ContainerPort::default()
    }
}

fn security() -> SecurityContext {
    SecurityContext {
        allow_privilege_escalation: Some(false),
        capabilities: Some(Capabilities {
            drop: Some(vec!["ALL".to_owned()]),
            ..Capabilities::default()
        }),
        ..SecurityContext::default()
    }
}
