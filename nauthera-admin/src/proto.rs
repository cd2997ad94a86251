//! The messages, the server trait and the client generated from `proto/nauthera/admin/v1/admin.proto`.
#![allow(
    missing_docs,
    missing_debug_implementations,
    unreachable_pub,
    unused_qualifications,
    clippy::all,
    clippy::pedantic,
    rustdoc::invalid_html_tags,
    rustdoc::bare_urls,
    rustdoc::broken_intra_doc_links
)]

tonic::include_proto!("nauthera.admin.v1");

impl std::fmt::Debug for UpsertClientRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UpsertClientRequest")
            .field("client", &self.client)
            .field(
                "client_secret",
                &if self.client_secret.is_empty() {
                    ""
                } else {
                    "[redacted]"
                },
            )
            .field("force", &self.force)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_secret_is_not_printed() {
        let request = super::UpsertClientRequest {
            client: None,
            client_secret: "hunter2".to_owned(),
            force: false,
        };
        let printed = format!("{request:?}");
        assert!(
            !printed.contains("hunter2") && printed.contains("[redacted]"),
            "{printed}"
        );
    }
}
