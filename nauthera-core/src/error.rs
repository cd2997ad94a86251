//! Errors: protocol errors with their RFC 6749 / OpenID Connect `error` codes, and opaque storage errors.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

/// The `error` codes of RFC 6749 §4.1.2.1 and §5.2, RFC 6750 §3.1, RFC 7009 and OpenID Connect Core §3.1.2.6.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
#[non_exhaustive]
pub enum ErrorCode {
    /// The resource owner or the server denied the request.
    AccessDenied,
    /// The end-user must consent before the request can proceed (OIDC `prompt=none`).
    ConsentRequired,
    /// Client authentication failed (RFC 6749 §5.2).
    InvalidClient,
    /// The grant (code, refresh token) is invalid, expired, revoked or bound elsewhere.
    InvalidGrant,
    /// The request is malformed or misses a required parameter.
    InvalidRequest,
    /// The requested scope is invalid, unknown or exceeds what the client may ask for.
    InvalidScope,
    /// The access token is expired, revoked or malformed (RFC 6750 §3.1).
    InvalidToken,
    /// The end-user must authenticate before the request can proceed (OIDC `prompt=none`).
    LoginRequired,
    /// The `request` parameter is not supported.
    RequestNotSupported,
    /// The `request_uri` parameter is not supported.
    RequestUriNotSupported,
    /// The server failed unexpectedly; nothing about the cause is disclosed.
    ServerError,
    /// The server is temporarily unable to serve the request (storage unavailable).
    TemporarilyUnavailable,
    /// The client may not use this grant type or operation.
    UnauthorizedClient,
    /// The grant type is not supported.
    UnsupportedGrantType,
    /// The response type is not supported.
    UnsupportedResponseType,
    /// The token type cannot be revoked (RFC 7009 §2.2.1).
    UnsupportedTokenType,
}

impl ErrorCode {
    /// The code as it appears in the `error` parameter.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AccessDenied => "access_denied",
            Self::ConsentRequired => "consent_required",
            Self::InvalidClient => "invalid_client",
            Self::InvalidGrant => "invalid_grant",
            Self::InvalidRequest => "invalid_request",
            Self::InvalidScope => "invalid_scope",
            Self::InvalidToken => "invalid_token",
            Self::LoginRequired => "login_required",
            Self::RequestNotSupported => "request_not_supported",
            Self::RequestUriNotSupported => "request_uri_not_supported",
            Self::ServerError => "server_error",
            Self::TemporarilyUnavailable => "temporarily_unavailable",
            Self::UnauthorizedClient => "unauthorized_client",
            Self::UnsupportedGrantType => "unsupported_grant_type",
            Self::UnsupportedResponseType => "unsupported_response_type",
            Self::UnsupportedTokenType => "unsupported_token_type",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How the client authenticated when an `invalid_client` error was raised; HTTP uses it to pick 401 and
/// `WWW-Authenticate` (RFC 6749 §5.2).
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
#[non_exhaustive]
pub enum AuthScheme {
    /// The client used HTTP Basic authentication.
    Basic,
    /// The client used another method, or none.
    Other,
}

/// The error every flow returns.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A protocol error the client caused; safe to show to the client.
    #[error("{code}: {description}")]
    Protocol {
        /// The RFC error code.
        code: ErrorCode,
        /// A human-readable description that never contains secrets.
        description: Cow<'static, str>,
    },
    /// Client authentication failed.
    #[error("invalid_client: {description}")]
    ClientAuthentication {
        /// The scheme the client tried.
        scheme: AuthScheme,
        /// A human-readable description that never contains secrets.
        description: &'static str,
    },
    /// The request conflicts with the state it would change (for example a client another owner manages).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The request names something that does not exist (a group, a user).
    #[error("not found: {0}")]
    NotFound(String),
    /// The storage backend failed.
    #[error("storage failed")]
    Storage(#[from] StorageError),
    /// A cryptographic operation (random generation, signing, key parsing) failed.
    #[error("cryptographic operation failed: {0}")]
    Crypto(&'static str),
    /// The server is too busy to start the work in time (no password-hashing worker was free); the client
    /// should retry after `retry_after`. HTTP answers `503` with `Retry-After`.
    #[error("overloaded; retry after {retry_after:?}")]
    Overloaded {
        /// When to retry.
        retry_after: Duration,
    },
    /// Too many recent failures from this client or address (repeated guessing); HTTP answers `429` with
    /// `Retry-After`. Nothing is checked while throttled, so the answer reveals nothing.
    #[error("throttled; retry after {retry_after:?}")]
    Throttled {
        /// When to retry.
        retry_after: Duration,
    },
}

impl Error {
    /// A protocol error with a static description.
    pub fn protocol(code: ErrorCode, description: impl Into<Cow<'static, str>>) -> Self {
        Self::Protocol {
            code,
            description: description.into(),
        }
    }

    /// Shorthand for `invalid_request`.
    pub fn invalid_request(description: impl Into<Cow<'static, str>>) -> Self {
        Self::protocol(ErrorCode::InvalidRequest, description)
    }

    /// Shorthand for `invalid_grant`.
    pub fn invalid_grant(description: impl Into<Cow<'static, str>>) -> Self {
        Self::protocol(ErrorCode::InvalidGrant, description)
    }

    /// The RFC `error` code this error is reported as.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Protocol { code, .. } => *code,
            Self::ClientAuthentication { .. } => ErrorCode::InvalidClient,
            Self::Storage(e) if e.kind() == StorageErrorKind::Unavailable => {
                ErrorCode::TemporarilyUnavailable
            }
            Self::Storage(_) | Self::Crypto(_) => ErrorCode::ServerError,
            Self::Conflict(_) | Self::NotFound(_) => ErrorCode::InvalidRequest,
            Self::Overloaded { .. } => ErrorCode::TemporarilyUnavailable,
            Self::Throttled { .. } => ErrorCode::InvalidClient,
        }
    }

    /// The `error_description` to show the client. Internal failures disclose nothing.
    pub fn description(&self) -> &str {
        match self {
            Self::Protocol { description, .. } => description,
            Self::ClientAuthentication { description, .. } => description,
            Self::Conflict(description) | Self::NotFound(description) => description,
            Self::Storage(_) | Self::Crypto(_) => "the server could not complete the request",
            Self::Overloaded { .. } => "the server is busy; try again shortly",
            Self::Throttled { .. } => "too many failed attempts; try again later",
        }
    }

    /// Whether the server, not the client, is at fault (such errors are logged once by the HTTP layer).
    pub fn is_internal(&self) -> bool {
        matches!(self, Self::Storage(_) | Self::Crypto(_))
    }

    /// How long the client should wait before retrying, for errors that say so (`Retry-After`).
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Overloaded { retry_after } | Self::Throttled { retry_after } => {
                Some(*retry_after)
            }
            _ => None,
        }
    }
}

/// What kind of storage failure happened.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
#[non_exhaustive]
pub enum StorageErrorKind {
    /// A uniqueness constraint rejected the write.
    Conflict,
    /// The write refers to a row that does not exist (a membership of a missing group or user).
    NotFound,
    /// Stored data could not be decoded.
    Corrupt,
    /// The backend is unreachable or timed out.
    Unavailable,
    /// Any other backend failure.
    Other,
}

/// An opaque storage failure: a kind and the backend's error as source, so core never names driver types.
#[derive(Debug, thiserror::Error)]
#[error("storage error ({kind:?})")]
pub struct StorageError {
    kind: StorageErrorKind,
    #[source]
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

impl StorageError {
    /// Wraps a backend error.
    pub fn new(
        kind: StorageErrorKind,
        source: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>,
    ) -> Self {
        Self {
            kind,
            source: Some(source.into()),
        }
    }

    /// The kind of failure.
    pub fn kind(&self) -> StorageErrorKind {
        self.kind
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_disclose_nothing() {
        let error = Error::from(StorageError::new(
            StorageErrorKind::Other,
            "password=hunter2",
        ));
        assert_eq!(error.code(), ErrorCode::ServerError);
        assert!(!error.description().contains("hunter2"));
        assert!(error.is_internal());
    }

    #[test]
    fn unavailable_storage_is_temporarily_unavailable() {
        let error = Error::from(StorageError::new(StorageErrorKind::Unavailable, "timeout"));
        assert_eq!(error.code(), ErrorCode::TemporarilyUnavailable);
    }
}
