//! The admin service: the generated `Admin` trait implemented over a [`Provider`].

use std::sync::Arc;
use std::time::Duration;

use nauthera_core::{Cache, Error, ErrorCode, MemoryCache, Provider, Storage, StorageErrorKind};
use tonic::{Request, Response, Status};

use crate::proto::admin_server::{Admin, AdminServer};
use crate::{clients, consents, groups, peer, profile, proto, users};

/// The admin API over a provider: clients, users with their profiles, groups and consents, signing keys and
/// status.
///
/// Serve it with [`crate::serve`] (mutual TLS), or wrap it with [`AdminService::into_server`] to mount it on
/// a tonic server of your own, which must then require client certificates itself.
pub struct AdminService<S, C = MemoryCache> {
    provider: Arc<Provider<S, C>>,
}

impl<S: Storage, C: Cache> AdminService<S, C> {
    /// The service for `provider`.
    pub fn new(provider: Arc<Provider<S, C>>) -> Self {
        Self { provider }
    }

    /// The tonic server wrapping the service.
    pub fn into_server(self) -> AdminServer<Self> {
        AdminServer::new(self)
    }
}

impl<S, C> Clone for AdminService<S, C> {
    fn clone(&self) -> Self {
        Self {
            provider: Arc::clone(&self.provider),
        }
    }
}

impl<S, C> std::fmt::Debug for AdminService<S, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AdminService")
            .field("provider", &self.provider)
            .finish()
    }
}

/// The status for a failed core operation: something that does not exist is `NOT_FOUND`, a conflict with the
/// stored state (another owner's client) is `FAILED_PRECONDITION`, other refusals `INVALID_ARGUMENT`; internal
/// failures are logged once here and disclose nothing.
pub(crate) fn failure(operation: &'static str, error: Error) -> Status {
    match error {
        error if error.is_internal() => {
            tracing::error!(operation, error = %error, "admin operation failed");
            Status::internal("internal error")
        }
        Error::NotFound(description) => Status::not_found(description),
        Error::Conflict(description) => Status::failed_precondition(description),
        error => Status::invalid_argument(error.description().to_owned()),
    }
}

/// The status for a failed people operation (profiles, groups, memberships, consents): as [`failure`], except
/// that a conflict is a name that is taken, `ALREADY_EXISTS`.
pub(crate) fn people_failure(operation: &'static str, error: Error) -> Status {
    match error {
        Error::Conflict(description) => Status::already_exists(description),
        error => failure(operation, error),
    }
}

#[tonic::async_trait]
impl<S: Storage, C: Cache> Admin for AdminService<S, C> {
    async fn upsert_client(
        &self,
        request: Request<proto::UpsertClientRequest>,
    ) -> Result<Response<proto::UpsertClientResponse>, Status> {
        let caller = peer::caller(&request);
        let response = clients::upsert(&self.provider, request.into_inner(), &caller).await?;
        Ok(Response::new(response))
    }

    async fn delete_client(
        &self,
        request: Request<proto::DeleteClientRequest>,
    ) -> Result<Response<proto::DeleteClientResponse>, Status> {
        let caller = peer::caller(&request);
        let response = clients::delete(&self.provider, request.into_inner(), &caller).await?;
        Ok(Response::new(response))
    }

    async fn get_client(
        &self,
        request: Request<proto::GetClientRequest>,
    ) -> Result<Response<proto::Client>, Status> {
        Ok(Response::new(
            clients::get(&self.provider, request.into_inner()).await?,
        ))
    }

    async fn list_clients(
        &self,
        _request: Request<proto::ListClientsRequest>,
    ) -> Result<Response<proto::ListClientsResponse>, Status> {
        Ok(Response::new(clients::list(&self.provider).await?))
    }

    async fn list_keys(
        &self,
        _request: Request<proto::ListKeysRequest>,
    ) -> Result<Response<proto::ListKeysResponse>, Status> {
        let keys = self.provider.keys();
        let keys = keys
            .jwks()
            .keys
            .iter()
            .map(|jwk| proto::Key {
                kid: jwk.kid.clone(),
                alg: jwk.alg.to_owned(),
            })
            .collect();
        Ok(Response::new(proto::ListKeysResponse { keys }))
    }

    async fn rotate_keys(
        &self,
        request: Request<proto::RotateKeysRequest>,
    ) -> Result<Response<proto::RotateKeysResponse>, Status> {
        let caller = peer::caller(&request);
        match self.provider.rotate_keys().await {
            Ok(new_kids) => {
                tracing::info!(target: "nauthera::audit", kids = ?new_kids, actor = caller, "signing keys rotated");
                Ok(Response::new(proto::RotateKeysResponse { new_kids }))
            }
            // Keys loaded from files cannot be rotated through the API.
            Err(error) if error.code() == ErrorCode::InvalidRequest => {
                Err(Status::failed_precondition(error.description().to_owned()))
            }
            Err(error) => Err(failure("rotate_keys", error)),
        }
    }

    async fn status(
        &self,
        _request: Request<proto::StatusRequest>,
    ) -> Result<Response<proto::StatusResponse>, Status> {
        Ok(Response::new(proto::StatusResponse {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            issuer: self.provider.config().issuer_str().to_owned(),
            storage: storage_health(&self.provider).await,
            cache: cache_health(self.provider.cache()).await,
        }))
    }

    async fn list_users(
        &self,
        request: Request<proto::ListUsersRequest>,
    ) -> Result<Response<proto::ListUsersResponse>, Status> {
        Ok(Response::new(
            users::list(&self.provider, request.into_inner()).await?,
        ))
    }

    async fn disable_user(
        &self,
        request: Request<proto::DisableUserRequest>,
    ) -> Result<Response<proto::User>, Status> {
        let caller = peer::caller(&request);
        let user = users::disable(&self.provider, request.into_inner(), &caller).await?;
        Ok(Response::new(user))
    }

    async fn enable_user(
        &self,
        request: Request<proto::EnableUserRequest>,
    ) -> Result<Response<proto::User>, Status> {
        let caller = peer::caller(&request);
        let user = users::enable(&self.provider, request.into_inner(), &caller).await?;
        Ok(Response::new(user))
    }

    async fn delete_user(
        &self,
        request: Request<proto::DeleteUserRequest>,
    ) -> Result<Response<proto::DeleteUserResponse>, Status> {
        let caller = peer::caller(&request);
        let response = users::delete(&self.provider, request.into_inner(), &caller).await?;
        Ok(Response::new(response))
    }

    async fn get_user(
        &self,
        request: Request<proto::GetUserRequest>,
    ) -> Result<Response<proto::GetUserResponse>, Status> {
        Ok(Response::new(
            profile::get(&self.provider, request.into_inner()).await?,
        ))
    }

    async fn set_user(
        &self,
        request: Request<proto::SetUserRequest>,
    ) -> Result<Response<proto::User>, Status> {
        let caller = peer::caller(&request);
        let user = profile::set(&self.provider, request.into_inner(), &caller).await?;
        Ok(Response::new(user))
    }

    async fn create_group(
        &self,
        request: Request<proto::CreateGroupRequest>,
    ) -> Result<Response<proto::Group>, Status> {
        let caller = peer::caller(&request);
        let group = groups::create(&self.provider, request.into_inner(), &caller).await?;
        Ok(Response::new(group))
    }

    async fn list_groups(
        &self,
        request: Request<proto::ListGroupsRequest>,
    ) -> Result<Response<proto::ListGroupsResponse>, Status> {
        Ok(Response::new(
            groups::list(&self.provider, request.into_inner()).await?,
        ))
    }

    async fn get_group(
        &self,
        request: Request<proto::GetGroupRequest>,
    ) -> Result<Response<proto::GetGroupResponse>, Status> {
        Ok(Response::new(
            groups::get(&self.provider, request.into_inner()).await?,
        ))
    }

    async fn delete_group(
        &self,
        request: Request<proto::DeleteGroupRequest>,
    ) -> Result<Response<proto::DeleteGroupResponse>, Status> {
        let caller = peer::caller(&request);
        let response = groups::delete(&self.provider, request.into_inner(), &caller).await?;
        Ok(Response::new(response))
    }

    async fn add_group_member(
        &self,
        request: Request<proto::AddGroupMemberRequest>,
    ) -> Result<Response<proto::AddGroupMemberResponse>, Status> {
        let caller = peer::caller(&request);
        let response = groups::add_member(&self.provider, request.into_inner(), &caller).await?;
        Ok(Response::new(response))
    }

    async fn remove_group_member(
        &self,
        request: Request<proto::RemoveGroupMemberRequest>,
    ) -> Result<Response<proto::RemoveGroupMemberResponse>, Status> {
        let caller = peer::caller(&request);
        let response = groups::remove_member(&self.provider, request.into_inner(), &caller).await?;
        Ok(Response::new(response))
    }

    async fn list_consents(
        &self,
        request: Request<proto::ListConsentsRequest>,
    ) -> Result<Response<proto::ListConsentsResponse>, Status> {
        Ok(Response::new(
            consents::list(&self.provider, request.into_inner()).await?,
        ))
    }

    async fn revoke_consent(
        &self,
        request: Request<proto::RevokeConsentRequest>,
    ) -> Result<Response<proto::RevokeConsentResponse>, Status> {
        let caller = peer::caller(&request);
        let response = consents::revoke(&self.provider, request.into_inner(), &caller).await?;
        Ok(Response::new(response))
    }
}

/// `"ok"` when the provider is ready (its store answers), `"unavailable"` when the store cannot be reached,
/// `"failed"` otherwise.
async fn storage_health<S: Storage, C: Cache>(provider: &Provider<S, C>) -> String {
    match provider.ready().await {
        Ok(()) => "ok".to_owned(),
        Err(error) => {
            tracing::warn!(error = %error, "status: readiness probe failed");
            match error {
                Error::Storage(storage) if storage.kind() == StorageErrorKind::Unavailable => {
                    "unavailable".to_owned()
                }
                _ => "failed".to_owned(),
            }
        }
    }
}

const CACHE_PROBE_KEY: &str = "admin:status-probe";

/// `"none"` without a shared cache; otherwise `"ok"` when a written probe entry reads back (cache failures
/// behave as misses, so a lost probe means the cache is not working).
async fn cache_health<C: Cache>(cache: &C) -> String {
    if !cache.is_shared() {
        return "none".to_owned();
    }
    cache
        .put(CACHE_PROBE_KEY, b"ok", Duration::from_secs(10))
        .await;
    match cache.get(CACHE_PROBE_KEY).await {
        Some(value) if value == b"ok" => "ok".to_owned(),
        _ => "unavailable (probe entry not read back)".to_owned(),
    }
}
