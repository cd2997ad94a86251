//! Server-rendered HTML pages. They work as plain forms without JavaScript; every form carries a CSRF token.
//!
//! Handlers describe a page ([`View`]) and the language hints they know (the authorization request's
//! `ui_locales`, the signed-in user's preference); [`localize`], a middleware around every route, picks the
//! language with the request's `ui_locales` and `Accept-Language` (core's [`LanguageSources`]) and renders the
//! page's askama template with that language's Fluent messages. Templates escape everything they print.

mod account;
mod consent;
mod login;
mod messages;
mod templates;

pub(crate) use account::{
    AccountActions, AccountView, Application, Done, PasswordProblem, account_page,
};
pub(crate) use consent::{ConsentView, consent_page};
pub(crate) use login::{LoginProblem, LoginView, login_page};
pub(crate) use messages::{error_page, logged_out_page, logout_confirm_page};

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use nauthera_core::locale::LanguageSources;
use serde::Deserialize;

use crate::i18n::Localizer;

/// A page, described by its handler and rendered by [`localize`].
#[derive(Debug)]
pub(crate) enum View {
    /// The login form.
    Login(LoginView),
    /// The consent form.
    Consent(ConsentView),
    /// An error shown instead of a redirect.
    Error {
        /// The OAuth error code.
        code: String,
        /// What went wrong (core's description).
        description: String,
    },
    /// The logout confirmation.
    LogoutConfirm {
        /// The form's target.
        action: String,
        /// The end-session parameters carried through.
        fields: Vec<(String, String)>,
        /// The client that asked, if known.
        client_name: Option<String>,
        /// The CSRF token.
        csrf_token: String,
    },
    /// After logout.
    LoggedOut,
    /// The account pages.
    Account(Box<AccountView>),
}

/// A page and the language hints its handler knows.
#[derive(Debug)]
pub(crate) struct Page {
    view: View,
    ui_locales: Option<String>,
    preference: Option<String>,
}

/// The page a response still has to render (a response extension, so it must be `Clone`).
#[derive(Clone, Debug)]
struct Deferred(Arc<Page>);

/// A response of `status` that [`localize`] turns into `view`, rendered in the language the hints and the
/// request choose.
pub(crate) fn deferred(
    status: StatusCode,
    view: View,
    ui_locales: Option<String>,
    preference: Option<String>,
) -> Response {
    let page = Page {
        view,
        ui_locales,
        preference,
    };
    let mut response = status.into_response();
    response.extensions_mut().insert(Deferred(Arc::new(page)));
    response
}

#[derive(Deserialize)]
struct LocaleQuery {
    ui_locales: Option<String>,
}

/// Renders the page a handler described, in the request's language (see the module documentation).
pub(crate) async fn localize(
    State(localizer): State<Arc<Localizer>>,
    request: Request,
    next: Next,
) -> Response {
    let accept_language = request
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let query_locales = request
        .uri()
        .query()
        .and_then(|query| serde_urlencoded::from_str::<LocaleQuery>(query).ok())
        .and_then(|query| query.ui_locales);
    let mut response = next.run(request).await;
    let Some(Deferred(page)) = response.extensions_mut().remove::<Deferred>() else {
        return response;
    };
    let spoken = localizer.spoken();
    let sources = LanguageSources {
        ui_locales: page.ui_locales.as_deref().or(query_locales.as_deref()),
        preference: page.preference.as_deref(),
        accept_language: accept_language.as_deref(),
    };
    let language = sources.choose(&spoken, &spoken[0]);
    let translator = localizer.translator(language);
    match templates::render(&page.view, translator) {
        Ok(html) => {
            *response.body_mut() = Body::from(html);
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            if let Ok(language) = HeaderValue::from_str(translator.language()) {
                headers.insert(header::CONTENT_LANGUAGE, language);
            }
            response
        }
        Err(error) => {
            tracing::error!(%error, "a page did not render");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the page could not be rendered",
            )
                .into_response()
        }
    }
}
