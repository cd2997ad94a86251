//! The server's Service (HTTP and admin ports) and optional Ingress.

use k8s_openapi::api::core::v1::{Service, ServicePort, ServiceSpec};
use k8s_openapi::api::networking::v1::{
    HTTPIngressPath, HTTPIngressRuleValue, Ingress, IngressBackend, IngressRule,
    IngressServiceBackend, IngressSpec as K8sIngressSpec, IngressTLS, ServiceBackendPort,
};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use kube::api::ObjectMeta;

use crate::controller::names::{ADMIN_PORT, HTTP_PORT, ServerNames};
use crate::crd::IngressSpec;

/// The server's Service: `http` (8080) and `admin` (8443, mutual TLS).
pub(crate) fn service(names: &ServerNames) -> Service {
    Service {
        metadata: metadata(names),
        spec: Some(ServiceSpec {
            selector: Some(names.selector("server")),
            ports: Some(vec![
                service_port("http", HTTP_PORT),
                service_port("admin", ADMIN_PORT),
            ]),
            ..ServiceSpec::default()
        }),
        ..Service::default()
    }
}

/// A named TCP port that targets the container port of the same name.
pub(crate) fn service_port(name: &str, number: i32) -> ServicePort {
    ServicePort {
        name: Some(name.to_owned()),
        port: number,
        target_port: Some(IntOrString::String(name.to_owned())),
        protocol: Some("TCP".to_owned()),
        ..ServicePort::default()
    }
}

/// The Ingress for the public HTTP port only: the admin port is never exposed.
pub(crate) fn ingress(names: &ServerNames, spec: &IngressSpec) -> Ingress {
    let backend = IngressBackend {
        service: Some(IngressServiceBackend {
            name: names.name.clone(),
            port: Some(ServiceBackendPort {
                name: Some("http".to_owned()),
                ..ServiceBackendPort::default()
            }),
        }),
        ..IngressBackend::default()
    };
    Ingress {
        metadata: metadata(names),
        spec: Some(K8sIngressSpec {
            ingress_class_name: spec.class_name.clone(),
            rules: Some(vec![IngressRule {
                host: Some(spec.host.clone()),
                http: Some(HTTPIngressRuleValue {
                    paths: vec![HTTPIngressPath {
                        path: Some("/".to_owned()),
                        path_type: "Prefix".to_owned(),
                        backend,
                    }],
                }),
            }]),
            tls: spec.tls_secret_name.as_ref().map(|secret| {
                vec![IngressTLS {
                    hosts: Some(vec![spec.host.clone()]),
                    secret_name: Some(secret.clone()),
                }]
            }),
            ..K8sIngressSpec::default()
        }),
        ..Ingress::default()
    }
}

fn metadata(names: &ServerNames) -> ObjectMeta {
    ObjectMeta {
        name: Some(names.name.clone()),
        namespace: Some(names.namespace.clone()),
        labels: Some(names.labels("server")),
        ..ObjectMeta::default()
    }
}
