//! The committed `deploy/` files are what the code generates.

use std::path::PathBuf;

use super::*;

fn deploy_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../deploy")
}

#[test]
fn committed_manifests_are_up_to_date() {
    let mut stale = Vec::new();
    for manifest in render_all().unwrap() {
        let committed =
            std::fs::read_to_string(deploy_dir().join(manifest.path)).unwrap_or_default();
        if committed != manifest.contents {
            stale.push(manifest.path);
        }
    }
    assert!(
        stale.is_empty(),
        "deploy/ is out of date ({}): run `{REGENERATE}` and commit the result",
        stale.join(", ")
    );
}

#[test]
fn crds_have_the_group_version_and_status_subresource() {
    let crd = NautheraServer::crd();
    assert_eq!(crd.spec.group, "nauthera.io");
    assert_eq!(crd.spec.scope, "Namespaced");
    let version = &crd.spec.versions[0];
    assert_eq!(version.name, "v1alpha1");
    assert!(version.subresources.as_ref().unwrap().status.is_some());
    let columns: Vec<_> = version
        .additional_printer_columns
        .iter()
        .flatten()
        .map(|c| c.name.as_str())
        .collect();
    assert!(columns.contains(&"Ready"), "{columns:?}");
    let yaml = crds().unwrap();
    assert!(yaml.contains("kind: CustomResourceDefinition"));
    assert!(yaml.contains("name: oauth2clients.nauthera.io"));
}

#[test]
fn timestamp_like_strings_are_quoted_so_yaml_1_1_readers_keep_them_strings() {
    let object = serde_json::json!({
        "notAfter": "2027-11-29T00:00:00Z",
        "date": "2027-11-29",
        "list": ["2027-11-29 00:00:00 +01:00", "v1.2.3"],
        "script": "line one\nat: 2027-11-29T00:00:00Z\n",
    });
    let text = yaml(&object).unwrap();
    assert!(
        text.contains("notAfter: '2027-11-29T00:00:00Z'\n"),
        "{text}"
    );
    assert!(text.contains("date: '2027-11-29'\n"), "{text}");
    assert!(text.contains("- '2027-11-29 00:00:00 +01:00'\n"), "{text}");
    assert!(text.contains("- v1.2.3\n"), "{text}");
    assert!(
        text.contains("  at: 2027-11-29T00:00:00Z\n"),
        "block scalars are left alone: {text}"
    );
    assert!(!text.contains(QUOTE_MARKER), "{text}");
}

#[test]
fn the_rendered_sample_includes_the_generated_secrets_with_placeholders() {
    let docs = rendered::sample_server_objects().unwrap();
    let secrets: Vec<serde_json::Value> = docs
        .iter()
        .map(|doc| serde_norway::from_str::<serde_json::Value>(doc).unwrap())
        .filter(|doc| doc["kind"] == "Secret")
        .collect();
    let names: Vec<&str> = secrets
        .iter()
        .map(|secret| secret["metadata"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "nauthera-key-encryption",
            "nauthera-postgres",
            "nauthera-redis",
            "nauthera-admin-ca",
            "nauthera-admin-tls",
            "nauthera-admin-client",
        ]
    );
    let tls = &secrets[4];
    assert_eq!(tls["type"], "kubernetes.io/tls");
    assert_eq!(tls["data"]["tls.key"], "cGxhY2Vob2xkZXI=");
    assert_eq!(
        tls["metadata"]["annotations"]["nauthera.io/not-after"],
        "2027-11-29T00:00:00Z"
    );
}
