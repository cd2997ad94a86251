//! The operator's errors.

/// Why a reconcile (or the operator) failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The Kubernetes API refused or failed a request.
    #[error("Kubernetes API error: {0}")]
    Kube(#[source] kube::Error),
    /// The server's admin API failed.
    #[error("admin API error: {0}")]
    Admin(#[source] crate::admin::AdminError),
    /// Certificate generation failed, or a generated certificate could not be read.
    #[error("certificate error: {0}")]
    Certificate(#[source] nauthera_admin::pki::PkiError),
    /// A resource lacks a field the operator needs (name, namespace, uid).
    #[error("the resource has no {0}")]
    MissingField(&'static str),
    /// A Secret or generated object is malformed.
    #[error("invalid {what}: {detail}")]
    Invalid {
        /// What is invalid.
        what: &'static str,
        /// Why.
        detail: String,
    },
    /// Serializing an object failed.
    #[error("serialization error: {0}")]
    Serialize(#[source] serde_json::Error),
    /// Adding or removing the finalizer failed, or the cleanup failed.
    #[error("finalizer error: {0}")]
    Finalizer(#[source] Box<kube::runtime::finalizer::Error<Error>>),
    /// Leadership of the operator was lost.
    #[error("leadership lost: {0}")]
    LeadershipLost(String),
}

impl Error {
    /// The `reason` of the condition that reports this error (CamelCase, as Kubernetes expects).
    pub fn reason(&self) -> &'static str {
        match self {
            Self::Kube(_) => "KubernetesApiError",
            Self::Admin(error) => error.reason(),
            Self::Certificate(_) => "CertificateError",
            Self::MissingField(_) | Self::Invalid { .. } => "InvalidResource",
            Self::Serialize(_) => "SerializationError",
            Self::Finalizer(inner) => match inner.as_ref() {
                kube::runtime::finalizer::Error::ApplyFailed(error)
                | kube::runtime::finalizer::Error::CleanupFailed(error) => error.reason(),
                _ => "FinalizerError",
            },
            Self::LeadershipLost(_) => "LeadershipLost",
        }
    }
}

impl From<kube::Error> for Error {
    fn from(error: kube::Error) -> Self {
        Self::Kube(error)
    }
}

impl From<nauthera_admin::pki::PkiError> for Error {
    fn from(error: nauthera_admin::pki::PkiError) -> Self {
        Self::Certificate(error)
    }
}

impl From<crate::admin::AdminError> for Error {
    fn from(error: crate::admin::AdminError) -> Self {
        Self::Admin(error)
    }
}

/// Whether a Kubernetes API error is a 404.
pub(crate) fn is_not_found(error: &kube::Error) -> bool {
    matches!(error, kube::Error::Api(status) if status.code == 404)
}

/// Whether a Kubernetes API error is a 409 (already exists, or a resourceVersion conflict).
pub(crate) fn is_conflict(error: &kube::Error) -> bool {
    matches!(error, kube::Error::Api(status) if status.code == 409)
}
