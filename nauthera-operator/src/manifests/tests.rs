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
