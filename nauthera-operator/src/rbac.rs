//! Least-privilege RBAC for both install models: exactly the resources and verbs the code uses.
//!
//! | resource | verbs | used by |
//! | --- | --- | --- |
//! | `nautheraservers` | get, list, watch | the server controller; the client finalizer reads its server |
//! | `oauth2clients` | get, list, watch, patch | the client controller; patch adds and removes the finalizer |
//! | `*/status` | patch | status updates |
//! | `secrets` | get, create, patch | generated-once Secrets (create), certificate renewal (server-side apply) |
//! | `configmaps`, `services`, `statefulsets`, `poddisruptionbudgets` | create, patch | server-side apply (an apply that creates is authorized as create) |
//! | `deployments` | list, watch, create, patch | server-side apply, and the controller watches the Deployments it owns |
//! | `ingresses` | create, patch, delete | server-side apply; delete when `spec.ingress` is removed |
//! | `leases` (operator namespace only) | get, create, update | leader election |

use k8s_openapi::api::core::v1::ServiceAccount;
use k8s_openapi::api::rbac::v1::{
    ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding, RoleRef, Subject,
};
use kube::api::ObjectMeta;

/// The name of the operator's ServiceAccount, roles and bindings.
pub const NAME: &str = "nauthera-operator";
/// The name of the leader-election Role and RoleBinding.
pub const LEADER_ELECTION_NAME: &str = "nauthera-operator-leader-election";

fn rule(group: &str, resources: &[&str], verbs: &[&str]) -> PolicyRule {
    PolicyRule {
        api_groups: Some(vec![group.to_owned()]),
        resources: Some(resources.iter().map(|r| (*r).to_owned()).collect()),
        verbs: verbs.iter().map(|v| (*v).to_owned()).collect(),
        ..PolicyRule::default()
    }
}

/// The rules over the watched namespaces.
pub fn rules() -> Vec<PolicyRule> {
    vec![
        rule(
            "nauthera.io",
            &["nautheraservers"],
            &["get", "list", "watch"],
        ),
        rule(
            "nauthera.io",
            &["oauth2clients"],
            &["get", "list", "watch", "patch"],
        ),
        rule(
            "nauthera.io",
            &["nautheraservers/status", "oauth2clients/status"],
            &["patch"],
        ),
        rule("", &["secrets"], &["get", "create", "patch"]),
        rule("", &["configmaps", "services"], &["create", "patch"]),
        rule(
            "apps",
            &["deployments"],
            &["list", "watch", "create", "patch"],
        ),
        rule("apps", &["statefulsets"], &["create", "patch"]),
        rule("policy", &["poddisruptionbudgets"], &["create", "patch"]),
        rule(
            "networking.k8s.io",
            &["ingresses"],
            &["create", "patch", "delete"],
        ),
    ]
}

/// The rules in the operator's own namespace.
pub fn leader_election_rules() -> Vec<PolicyRule> {
    vec![rule(
        "coordination.k8s.io",
        &["leases"],
        &["get", "create", "update"],
    )]
}

fn metadata(name: &str, namespace: Option<&str>) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.to_owned()),
        namespace: namespace.map(str::to_owned),
        labels: Some(
            [
                ("app.kubernetes.io/name", "nauthera-operator"),
                ("app.kubernetes.io/part-of", "nauthera"),
            ]
            .into_iter()
            .map(|(key, value)| (key.to_owned(), value.to_owned()))
            .collect(),
        ),
        ..ObjectMeta::default()
    }
}

fn subject(operator_namespace: &str) -> Vec<Subject> {
    vec![Subject {
        kind: "ServiceAccount".to_owned(),
        name: NAME.to_owned(),
        namespace: Some(operator_namespace.to_owned()),
        ..Subject::default()
    }]
}

fn role_ref(kind: &str, name: &str) -> RoleRef {
    RoleRef {
        api_group: "rbac.authorization.k8s.io".to_owned(),
        kind: kind.to_owned(),
        name: name.to_owned(),
    }
}

/// The operator's ServiceAccount.
pub fn service_account(operator_namespace: &str) -> ServiceAccount {
    ServiceAccount {
        metadata: metadata(NAME, Some(operator_namespace)),
        ..ServiceAccount::default()
    }
}

/// The cluster-wide model: a ClusterRole and its binding.
pub fn cluster(operator_namespace: &str) -> (ClusterRole, ClusterRoleBinding) {
    let role = ClusterRole {
        metadata: metadata(NAME, None),
        rules: Some(rules()),
        ..ClusterRole::default()
    };
    let binding = ClusterRoleBinding {
        metadata: metadata(NAME, None),
        role_ref: role_ref("ClusterRole", NAME),
        subjects: Some(subject(operator_namespace)),
    };
    (role, binding)
}

/// The single-namespace model: a Role in the watched namespace and its binding.
pub fn namespaced(watched_namespace: &str, operator_namespace: &str) -> (Role, RoleBinding) {
    let role = Role {
        metadata: metadata(NAME, Some(watched_namespace)),
        rules: Some(rules()),
    };
    let binding = RoleBinding {
        metadata: metadata(NAME, Some(watched_namespace)),
        role_ref: role_ref("Role", NAME),
        subjects: Some(subject(operator_namespace)),
    };
    (role, binding)
}

/// Leader election, in the operator's namespace, for both models.
pub fn leader_election(operator_namespace: &str) -> (Role, RoleBinding) {
    let role = Role {
        metadata: metadata(LEADER_ELECTION_NAME, Some(operator_namespace)),
        rules: Some(leader_election_rules()),
    };
    let binding = RoleBinding {
        metadata: metadata(LEADER_ELECTION_NAME, Some(operator_namespace)),
        role_ref: role_ref("Role", LEADER_ELECTION_NAME),
        subjects: Some(subject(operator_namespace)),
    };
    (role, binding)
}
