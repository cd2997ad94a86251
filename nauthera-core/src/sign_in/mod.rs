//! Sign-in: the flow behind the login form, as steps.
//!
//! 1. The form's CSRF token and interaction are checked ([`crate::flows::interaction`]).
//! 2. Throttling: a blocked account or address is refused before any credential is checked
//!    ([`crate::throttle`]).
//! 3. The end-user is identified by the first [`UserSource`] that knows them (the local password store by
//!    default; LDAP and upstream providers plug in here).
//! 4. The account must be enabled.
//! 5. Further factors the policy asks for come next; the session records every factor satisfied and when
//!    ([`crate::factor::SatisfiedFactor`]), which becomes `amr` and `acr`.
//! 6. The browser session starts and the authorization request continues.
//!
//! Every attempt is an audit event on the `nauthera::audit` target with the username, `client_id` and client
//! address: `sign-in succeeded`, `sign-in failed` and `sign-in throttled`.

mod flow;
mod source;

pub use flow::{SignInFailure, SignInOutcome, SignInRequest};
pub use source::{
    BoxFuture, Identification, LocalPasswords, PasswordCredentials, UserDirectory, UserSource,
};
